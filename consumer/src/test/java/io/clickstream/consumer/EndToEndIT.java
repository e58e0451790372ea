package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHouseEventWriter;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventProperties;
import io.clickstream.model.EventType;
import io.clickstream.model.Traffic;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The foundation's end-to-end proof: JSON events through a real Kafka topic and clickhouse-jdbc
 * (HikariCP pool) into a real ClickHouse table, compared exactly with what was produced.
 */
@ExtendWith(RealServices.class)
class EndToEndIT {
    private static final int EVENTS = 5_000;
    private static final int BATCH = 1_000;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventCodec codec = new EventCodec();

    @Test
    void eventsProducedToKafkaArriveInClickHouseExactly(KafkaService kafka, ClickHouseService clickHouse)
            throws Exception {
        String topic = kafka.createTopic("e2e", 3);
        String database = clickHouse.createDatabase("e2e");
        Map<UUID, ClickEvent> produced = produce(kafka, topic, events(new Random(42)));

        try (HikariDataSource pool = pool(clickHouse, database)) {
            try (Connection connection = pool.getConnection()) {
                SchemaInstaller.install(
                        connection, database, Map.of("RAW_RETENTION_DAYS", "30", "ROLLUP_RETENTION_DAYS", "36500"));
            }
            consumeAndInsert(kafka, topic, pool);

            assertEquals(EVENTS, clickHouse.queryLong("SELECT count() FROM " + database + ".events"));
            assertEquals(EVENTS, clickHouse.queryLong("SELECT uniqExact(event_id) FROM " + database + ".events"));
            assertEquals(3, clickHouse.queryLong("SELECT uniqExact(kafka_partition) FROM " + database + ".events"));
            Map<EventType, Long> expectedCounts = new EnumMap<>(EventType.class);
            BigDecimal expectedRevenue = BigDecimal.ZERO;
            for (ClickEvent e : produced.values()) {
                expectedCounts.merge(e.eventType(), 1L, Long::sum);
                if (e.eventType() == EventType.PURCHASE) {
                    expectedRevenue = expectedRevenue.add(e.price());
                }
            }
            for (EventType type : EventType.values()) {
                assertEquals(
                        expectedCounts.getOrDefault(type, 0L),
                        clickHouse.queryLong("SELECT count() FROM " + database + ".events WHERE event_type = '"
                                + type.wireName() + "'"),
                        type.wireName());
            }
            assertEquals(
                    expectedRevenue,
                    new BigDecimal(clickHouse.query(
                            "SELECT sum(price) FROM " + database + ".events WHERE event_type = 'purchase'")));
            Map<UUID, ClickEvent> asStored = new HashMap<>();
            for (ClickEvent e : produced.values()) { // properties are stored as text
                asStored.put(
                        e.eventId(),
                        e.with(
                                e.traffic(),
                                e.customerId(),
                                EventProperties.of(e.properties().asText())));
            }
            assertEquals(asStored, readBack(pool), "events read back through JDBC equal the produced ones");
            assertTrue(
                    clickHouse.queryLong("SELECT count() FROM " + database + ".events WHERE length(properties) = 3"
                                    + " AND is_bot AND page != ''")
                            > 0,
                    "some events carry everything");
        }
    }

    /**
     * 5,000 events over all types, with sub-second timestamps, cent prices and some missing
     * enrichment; purchases with order ids, brands and category ids; most with where they came
     * from, some with a customer id and custom properties (text, numbers, booleans).
     */
    private static List<ClickEvent> events(Random random) throws Exception {
        EventType[] types = EventType.values();
        Instant start = Instant.parse("2026-11-20T10:00:00Z");
        List<ClickEvent> events = new ArrayList<>(EVENTS);
        for (int i = 0; i < EVENTS; i++) {
            EventType type = types[random.nextInt(types.length)];
            BigDecimal price = BigDecimal.valueOf(random.nextInt(500_000), 2);
            boolean enriched = random.nextInt(10) > 0;
            events.add(new ClickEvent(
                    new UUID(random.nextLong(), random.nextLong()),
                    type,
                    String.format("user_%04d", random.nextInt(500)),
                    "prod_" + random.nextInt(1_000),
                    price,
                    start.plusMillis(i * 37L + random.nextInt(37)),
                    enriched ? "sess_" + random.nextInt(2_000) : null,
                    enriched ? "electronics.audio" : null,
                    enriched ? "mobile" : null,
                    enriched ? "Chrome" : null,
                    enriched ? "Android" : null,
                    enriched && type == EventType.PURCHASE ? "order_" + random.nextInt(300) : null,
                    enriched ? "brand-" + random.nextInt(20) : null,
                    enriched ? Long.toString(2053013552326770905L + random.nextInt(50)) : null));
            if (enriched && random.nextInt(4) > 0) {
                ClickEvent plain = events.remove(events.size() - 1);
                events.add(plain.with(
                        traffic(random),
                        random.nextBoolean() ? "cust_" + random.nextInt(100) : null,
                        properties(random)));
            }
        }
        return events;
    }

    private static Traffic traffic(Random random) {
        boolean campaign = random.nextInt(3) == 0;
        return new Traffic(
                "shop.example.com/products/" + random.nextInt(100),
                "Product – " + random.nextInt(100),
                random.nextBoolean() ? "www.google.com/" : null,
                new UUID(random.nextLong(), random.nextLong()).toString(),
                campaign ? "newsletter" : null,
                campaign ? "email" : null,
                campaign ? "winter-" + random.nextInt(3) : null,
                campaign && random.nextBoolean() ? "shoes" : null,
                campaign && random.nextBoolean() ? "banner" : null,
                random.nextInt(5) == 0,
                Traffic.CHANNELS.get(random.nextInt(Traffic.CHANNELS.size())),
                random.nextInt(20) == 0,
                List.of("DE", "FR", "US").get(random.nextInt(3)));
    }

    private static EventProperties properties(Random random) throws Exception {
        return switch (random.nextInt(3)) {
            case 0 -> EventProperties.NONE;
            case 1 -> EventProperties.of(Map.of("coupon", "WINTER"));
            default ->
                EventProperties.of(Map.of(
                        "coupon",
                        "SPRING",
                        "size",
                        new BigDecimal(random.nextInt(50) + ".5"),
                        "gift",
                        random.nextBoolean()));
        };
    }

    private Map<UUID, ClickEvent> produce(KafkaService kafka, String topic, List<ClickEvent> events) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        Map<UUID, ClickEvent> produced = new HashMap<>();
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer())) {
            for (ClickEvent event : events) {
                producer.send(new ProducerRecord<>(topic, event.userId(), codec.encode(event)));
                produced.put(event.eventId(), event);
            }
            producer.flush();
        }
        return produced;
    }

    private void consumeAndInsert(KafkaService kafka, String topic, HikariDataSource pool) throws Exception {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, KafkaService.uniqueName("e2e-group"));
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        int stored = 0;
        long deadline = System.nanoTime() + Await.HANG.toNanos(); // a hang detector
        try (KafkaConsumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, byte[]>> buffer = new ArrayList<>();
            while (stored < EVENTS) {
                assertTrue(
                        System.nanoTime() < deadline,
                        "consumed only " + stored + " of " + EVENTS + " events (hang detector)");
                consumer.poll(Duration.ofMillis(200)).forEach(buffer::add);
                if (buffer.size() >= BATCH || (!buffer.isEmpty() && stored + buffer.size() == EVENTS)) {
                    insert(kafka, pool, buffer);
                    consumer.commitSync(); // only after ClickHouse acknowledged the insert
                    stored += buffer.size();
                    buffer.clear();
                }
            }
        }
    }

    /** Inserts through the consumer's production writer (clickhouse-jdbc via the HikariCP pool). */
    private void insert(KafkaService kafka, HikariDataSource pool, List<ConsumerRecord<String, byte[]>> records)
            throws Exception {
        List<EventRow> rows = new ArrayList<>(records.size());
        UUID topicId = TestEvents.topicId(kafka, records.get(0).topic());
        for (ConsumerRecord<String, byte[]> record : records) {
            rows.add(new EventRow(
                    codec.decode(record.value()), record.topic(), topicId, record.partition(), record.offset()));
        }
        new ClickHouseEventWriter(pool).write(rows, io.clickstream.consumer.dedup.BatchToken.of(rows));
    }

    private static Map<UUID, ClickEvent> readBack(HikariDataSource pool) throws Exception {
        Map<UUID, ClickEvent> stored = new HashMap<>();
        try (Connection connection = pool.getConnection();
                PreparedStatement select =
                        connection.prepareStatement("SELECT event_id, event_type, user_id, product_id,"
                                + " price, timestamp, session_id, category, device, browser, os, order_id, brand,"
                                + " category_id, page, page_title, referrer, page_view_id, utm_source, utm_medium,"
                                + " utm_campaign, utm_term, utm_content, paid_click, channel, is_bot, country,"
                                + " customer_id, toJSONString(properties) FROM events");
                ResultSet rows = select.executeQuery()) {
            while (rows.next()) {
                ClickEvent e = new ClickEvent(
                        rows.getObject(1, UUID.class),
                        EventType.fromWireName(rows.getString(2)),
                        rows.getString(3),
                        rows.getString(4),
                        rows.getBigDecimal(5),
                        rows.getObject(6, OffsetDateTime.class).toInstant(),
                        nullIfEmpty(rows.getString(7)),
                        nullIfEmpty(rows.getString(8)),
                        nullIfEmpty(rows.getString(9)),
                        nullIfEmpty(rows.getString(10)),
                        nullIfEmpty(rows.getString(11)),
                        nullIfEmpty(rows.getString(12)),
                        nullIfEmpty(rows.getString(13)),
                        nullIfEmpty(rows.getString(14)));
                Traffic traffic = new Traffic(
                        nullIfEmpty(rows.getString(15)),
                        nullIfEmpty(rows.getString(16)),
                        nullIfEmpty(rows.getString(17)),
                        nullIfEmpty(rows.getString(18)),
                        nullIfEmpty(rows.getString(19)),
                        nullIfEmpty(rows.getString(20)),
                        nullIfEmpty(rows.getString(21)),
                        nullIfEmpty(rows.getString(22)),
                        nullIfEmpty(rows.getString(23)),
                        rows.getBoolean(24),
                        nullIfEmpty(rows.getString(25)),
                        rows.getBoolean(26),
                        nullIfEmpty(rows.getString(27)));
                Map<String, String> properties = JSON.readValue(rows.getString(29), new TypeReference<>() {});
                e = e.with(traffic, nullIfEmpty(rows.getString(28)), EventProperties.of(properties));
                stored.put(e.eventId(), e);
            }
        }
        return stored;
    }

    private static HikariDataSource pool(ClickHouseService clickHouse, String database) {
        return ClickHousePool.create(
                clickHouse.jdbcUrl(database), clickHouse.user(), clickHouse.password(), 2, Duration.ofSeconds(30));
    }

    private static String nullIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
