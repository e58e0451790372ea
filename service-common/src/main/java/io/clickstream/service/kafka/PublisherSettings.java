package io.clickstream.service.kafka;

import io.clickstream.model.Names;
import io.clickstream.service.Setting;

/**
 * The Kafka settings of every service that publishes events (the producer, the collector): the
 * same flags, variables and defaults, so one environment configures them all. Whichever starts
 * first creates the topic with these ({@link TopicInitializer}).
 */
public final class PublisherSettings {
    public static final Setting BOOTSTRAP =
            Setting.of("--bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "Kafka bootstrap servers");
    public static final Setting TOPIC = Setting.of("--topic", "KAFKA_TOPIC", Names.EVENTS_TOPIC, "topic to publish to");
    public static final Setting PARTITIONS =
            Setting.of("--partitions", "KAFKA_TOPIC_PARTITIONS", "3", "partitions when the topic is created");
    public static final Setting REPLICATION = Setting.of(
            "--replication-factor",
            "KAFKA_TOPIC_REPLICATION_FACTOR",
            "1",
            "replication factor when the topic is created");

    private PublisherSettings() {}
}
