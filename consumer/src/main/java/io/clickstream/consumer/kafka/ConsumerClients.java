package io.clickstream.consumer.kafka;

import io.clickstream.consumer.config.ConsumerOptions;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Builds the Kafka clients: the events consumer, and the producers of dead letters and replays; one line per setting says why. */
public final class ConsumerClients {
    private ConsumerClients() {}

    public static KafkaConsumer<byte[], byte[]> eventsConsumer(ConsumerOptions config) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "clickstream-consumer");
        if (config.instanceId() != null) {
            // Static membership: a restart (crash, deploy) reclaims the same partitions without a rebalance.
            p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        }
        // Offsets are committed by the ingest loop, only after ClickHouse stored the records.
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A new group starts from the oldest retained event: nothing produced before it started is skipped.
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // A poll can fill a whole batch, a catch-up batch included.
        p.put(
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                Math.max(500, Math.max(config.batchMaxRows(), config.catchUpMaxRows())));
        // Bigger fetches per partition (default 1 MiB): fewer round trips when draining a backlog.
        p.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
        // Bytes in, decoded by our codec: a malformed payload is a dead letter, not a poll failure.
        return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /**
     * A producer whose acknowledgement means durable (it replaces, or re-sends, a record whose
     * offset is then committed or recorded), and whose every wait is bounded by {@code timeout}:
     * metadata, and delivery with its retries.
     */
    public static KafkaProducer<byte[], byte[]> durableProducer(
            String bootstrapServers, String clientId, Duration timeout) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, timeout.toMillis() * 2 / 3));
        // Every send is followed by a flush that waits for it: lingering would only delay it.
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
