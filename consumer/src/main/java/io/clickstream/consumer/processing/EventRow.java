package io.clickstream.consumer.processing;

import io.clickstream.model.ClickEvent;

/** A decoded event and the Kafka record it came from: one row of the events table. */
public record EventRow(ClickEvent event, String topic, int partition, long offset) {
}
