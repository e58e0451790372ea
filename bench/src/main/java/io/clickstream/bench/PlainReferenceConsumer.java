package io.clickstream.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The benchmark's yardstick: a deliberately plain consumer in the style of the seed project.
 * One {@code ObjectMapper.readValue} into a Map per record, a JDBC batch bound with
 * {@code setObject} per column (clickhouse-jdbc's default SQL-text VALUES), flushed once at least
 * the batch size is buffered (or a poll returned nothing), one synchronous commit per batch.
 * Correct (commit after insert), not fast. Runs until killed.
 *
 * <p>Arguments: bootstrap servers, topic, group id, JDBC URL[, batch rows (default 1,000)]: the
 * benchmark gives it the same batch size as the consumer it is compared with.
 */
public final class PlainReferenceConsumer {
    private static final int DEFAULT_BATCH = 1_000;
    private static final String INSERT = "INSERT INTO events (event_id, event_type, user_id, product_id, price,"
            + " timestamp, session_id, category, device, browser, os, kafka_topic, kafka_partition, kafka_offset)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";

    private PlainReferenceConsumer() {}

    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, args[0]);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, args[2]);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        int batch = args.length > 4 ? Integer.parseInt(args[4]) : DEFAULT_BATCH;
        ObjectMapper json = new ObjectMapper();
        try (KafkaConsumer<String, String> consumer =
                        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
                Connection connection = DriverManager.getConnection(args[3], "default", "");
                PreparedStatement insert = connection.prepareStatement(INSERT)) {
            consumer.subscribe(List.of(args[1]));
            int buffered = 0;
            while (true) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(500));
                for (ConsumerRecord<String, String> record : records) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> event = json.readValue(record.value(), Map.class);
                    insert.setObject(1, UUID.fromString((String) event.get("event_id")));
                    insert.setObject(2, event.get("event_type"));
                    insert.setObject(3, event.get("user_id"));
                    insert.setObject(4, event.get("product_id"));
                    insert.setObject(5, new BigDecimal(event.get("price").toString()));
                    insert.setObject(6, Timestamp.from(Instant.parse((String) event.get("timestamp"))));
                    insert.setObject(7, event.getOrDefault("session_id", ""));
                    insert.setObject(8, event.getOrDefault("category", ""));
                    insert.setObject(9, event.getOrDefault("device", ""));
                    insert.setObject(10, event.getOrDefault("browser", ""));
                    insert.setObject(11, event.getOrDefault("os", ""));
                    insert.setObject(12, record.topic());
                    insert.setObject(13, record.partition());
                    insert.setObject(14, record.offset());
                    insert.addBatch();
                    buffered++;
                }
                // After a whole poll, so the commit (the poll's positions) never passes an uninserted record.
                if (buffered >= batch || (records.isEmpty() && buffered > 0)) {
                    insert.executeBatch();
                    consumer.commitSync();
                    buffered = 0;
                }
            }
        }
    }
}
