package io.clickstream.collector;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Every record of a topic, read from the beginning of each partition. */
final class TopicReader {
    private TopicReader() {}

    /** Reads until {@code expected} records arrived or {@code quiet} passed without new ones. */
    static List<ConsumerRecord<String, byte[]>> read(String bootstrap, String topic, int expected, Duration quiet) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long quietUntil = System.nanoTime() + quiet.toNanos();
            while (records.size() < expected || System.nanoTime() < quietUntil) {
                int before = records.size();
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() > before) {
                    quietUntil = System.nanoTime() + quiet.toNanos();
                } else if (System.nanoTime() >= quietUntil) {
                    break;
                }
                if (records.size() >= expected && expected > 0 && records.size() > before) {
                    quietUntil = System.nanoTime() + Duration.ofMillis(500).toNanos(); // anything extra?
                }
            }
        }
        return records;
    }
}
