package io.clickstream.consumer.processing;

import io.clickstream.model.ClickEvent;
import java.util.UUID;

/**
 * A decoded event and the Kafka record it came from: one row of the events table.
 * {@code topicId} is Kafka's ID of the topic the record was read from, which changes when a
 * topic is deleted and created again; with partition and offset it identifies the record.
 */
public record EventRow(ClickEvent event, String topic, UUID topicId, int partition, long offset) {}
