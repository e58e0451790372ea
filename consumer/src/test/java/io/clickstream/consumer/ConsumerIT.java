package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHouseEventWriter;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.TopicContents;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The consumer jar against a real broker and a real ClickHouse, under the failures it promises
 * to survive: exact counts, zero lost and zero duplicated, every time.
 */
@ExtendWith(RealServices.class)
class ConsumerIT {
    private static final Logger LOG = new Logger();

    /** Tiny stdout logger: the test's own timeline, next to the consumer's log on failure. */
    private static final class Logger {
        void info(String message) {
            System.out.println("[ConsumerIT] " + message);
        }
    }

    /** Each test's own database, named after its topic. */
    static String databaseFor(String topic) {
        return "it_" + topic.replace('-', '_').replace('.', '_');
    }

    /** Rows stored so far; 0 while the consumer has not created the database yet. */
    static long stored(ClickHouseService ch, String database) {
        try {
            return count(ch, database, "");
        } catch (IllegalStateException notYet) {
            return 0;
        }
    }

    static long count(ClickHouseService ch, String database, String where) {
        return ch.queryLong("SELECT count() FROM " + database + ".events" + (where.isEmpty() ? "" : " WHERE " + where));
    }

    /** Waits until the table holds at least {@code expected} rows (or fails with the consumer's log). */
    static void awaitRows(ClickHouseService ch, String database, long expected, ConsumerProcess consumer)
            throws InterruptedException {
        Await.until(
                expected + " rows in " + database + ".events",
                Await.HANG,
                () -> count(ch, database, ""), // throws while the table is not created or ClickHouse restarts
                rows -> rows >= expected,
                () -> consumer == null ? "" : consumer.output());
    }

    /**
     * Waits until the consumer (group {@code topic-group}, as {@link ConsumerProcess#arguments} names
     * it) committed every record of {@code topic}: it has stored all it will store, so counts are final.
     */
    static void awaitSettled(KafkaService kafka, String topic, ConsumerProcess consumer) throws InterruptedException {
        CommittedOffsets.awaitCaughtUp(kafka, topic + "-group", topic, Await.HANG, consumer::output);
    }

    /** Lines of the consumer's log that contain {@code text}. */
    static long occurrences(ConsumerProcess consumer, String text) {
        return consumer.output().lines().filter(line -> line.contains(text)).count();
    }

    /** Zero lost, zero duplicated: rows = distinct event ids = distinct source offsets = produced. */
    static void assertExactlyOnce(ClickHouseService ch, String database, long produced) {
        String table = database + ".events";
        assertEquals(produced, count(ch, database, ""), "rows = produced (nothing lost, nothing extra)");
        assertEquals(produced, ch.queryLong("SELECT uniqExact(event_id) FROM " + table), "no event stored twice");
        assertEquals(
                produced,
                ch.queryLong("SELECT uniqExact(kafka_partition, kafka_offset) FROM " + table),
                "no Kafka record stored twice");
    }

    @Test
    void storesExactCountsAndSumsAndDeadLettersEveryPoisonRecord(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("ingest", 3);
        String database = databaseFor(topic);
        List<String> poisonReasons = new ArrayList<>();
        try (TestEvents events = new TestEvents(kafka, topic, 1)) {
            Random random = new Random(2);
            String[] poison = {
                "{\"event_id\":",
                "not json at all",
                "{}",
                "[1,2,3]",
                "{\"event_id\":\"3f1c1f0e-6a43-4a8e-9d52-0c5b0f6e8a11\",\"event_type\":\"refund\",\"user_id\":\"u\","
                        + "\"product_id\":\"p\",\"price\":1,\"timestamp\":\"2026-01-01T00:00:00Z\"}"
            };
            for (int i = 0; i < 10_000; i++) {
                if (i % 333 == 100 && poisonReasons.size() < 30) {
                    String bad = poison[random.nextInt(poison.length)];
                    events.sendRaw("user_poison", bad.getBytes(StandardCharsets.UTF_8));
                    poisonReasons.add(bad);
                }
                events.send(events.next());
            }
            events.flush();
            assertEquals(30, poisonReasons.size());

            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("consumer.log"), ConsumerProcess.arguments(kafka, ch, topic, database))) {
                awaitRows(ch, database, 10_000, consumer);
                awaitSettled(kafka, topic, consumer);
                assertExactlyOnce(ch, database, 10_000);
                for (EventType type : EventType.values()) {
                    assertEquals(
                            events.countByType.getOrDefault(type, 0L),
                            count(ch, database, "event_type = '" + type.wireName() + "'"),
                            type.wireName());
                }
                assertEquals(
                        events.revenue,
                        new BigDecimal(ch.query(
                                "SELECT sum(price) FROM " + database + ".events WHERE event_type = 'purchase'")));
                assertCleanStop(consumer);
            }
        }

        List<ConsumerRecord<String, byte[]>> letters = readAll(kafka, topic + ".dlq");
        assertEquals(30, letters.size(), "every poison record is in the dead-letter topic");
        Map<String, Integer> reasons = new HashMap<>();
        for (ConsumerRecord<String, byte[]> letter : letters) {
            String reason = header(letter, DeadLetterPublisher.REASON);
            reasons.merge(reason, 1, Integer::sum);
            assertEquals(topic, header(letter, DeadLetterPublisher.SOURCE_TOPIC));
            assertTrue(Long.parseLong(header(letter, DeadLetterPublisher.SOURCE_OFFSET)) >= 0);
            assertTrue(
                    poisonReasons.contains(new String(letter.value(), StandardCharsets.UTF_8)),
                    "original payload kept");
        }
        LOG.info("dead-letter reasons: " + reasons);
        assertTrue(
                reasons.keySet().stream()
                        .allMatch(r -> r.equals("truncated JSON")
                                || r.startsWith("malformed JSON")
                                || r.equals("payload is not a JSON object")
                                || r.equals("event_id: missing required field")
                                || r.startsWith("event_type: unknown event type 'refund'")),
                reasons.toString());
    }

    @Test
    void clickHouseOutageOfTwelveSecondsLosesAndDuplicatesNothing(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("outage", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 3);
                ConsumerProcess consumer = ConsumerProcess.start(
                        dir.resolve("consumer.log"),
                        ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "1s"))) {
            AtomicBoolean sending = new AtomicBoolean(true);
            CompletableFuture<Void> producer = events.sendPacedInBackground(250, sending);
            awaitRows(ch, database, 500, consumer);
            LOG.info("stopping ClickHouse with " + count(ch, database, "") + " rows stored");
            long retriesBefore = occurrences(consumer, "retrying in ");
            ch.stop();
            // The outage lasts until the consumer has met it and retried twice, however long that takes.
            Await.untilTrue(
                    "two retries against the stopped ClickHouse",
                    Await.HANG,
                    () -> occurrences(consumer, "retrying in ") >= retriesBefore + 2,
                    consumer::output);
            ch.start();
            LOG.info("ClickHouse restarted");
            awaitRows(ch, database, stored(ch, database) + 500, consumer); // traffic flows again
            sending.set(false);
            producer.join();
            awaitSettled(kafka, topic, consumer);
            assertExactlyOnce(ch, database, events.produced);
            String log = consumer.output();
            assertTrue(log.contains("partitions paused"), "the consumer noticed the outage:\n" + log);
            assertTrue(log.contains("ClickHouse accepts inserts again"), log);
            assertCleanStop(consumer);
        }
    }

    @Test
    void killMinusNineAtRandomMomentsLosesAndDuplicatesNothing(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("kill9", 3);
        String database = databaseFor(topic);
        long seed = Long.getLong("clickstream.test.seed", System.nanoTime());
        LOG.info("randomized kill moments, seed " + seed + " (rerun with -Dclickstream.test.seed=" + seed + ")");
        Random random = new Random(seed);
        // Static membership: the restarted consumer reclaims the partitions at once, instead of
        // waiting for the killed member's session to expire.
        List<String> args = ConsumerProcess.arguments(
                kafka,
                ch,
                topic,
                database,
                "--batch-max-rows",
                "300",
                "--batch-max-wait",
                "500ms",
                "--instance-id",
                "consumer-1");
        int kills = 0;
        try (TestEvents events = new TestEvents(kafka, topic, 4)) {
            AtomicBoolean sending = new AtomicBoolean(true);
            CompletableFuture<Void> producer = events.sendPacedInBackground(600, sending);
            ConsumerProcess consumer = ConsumerProcess.start(dir.resolve("consumer.log"), args);
            try {
                while (kills < KILLS) {
                    // Each run of the consumer stores something first; then it dies at a random moment.
                    awaitRows(ch, database, stored(ch, database) + 300, consumer);
                    Thread.sleep(random.nextInt(2_000)); // a random moment: the fault, not a wait for a result
                    long rows = count(ch, database, "");
                    consumer.kill();
                    kills++;
                    LOG.info("kill -9 #" + kills + " with " + rows + " rows stored");
                    consumer = ConsumerProcess.start(dir.resolve("consumer.log"), args);
                }
                sending.set(false);
                producer.join();
                awaitSettled(kafka, topic, consumer);
                assertExactlyOnce(ch, database, events.produced);
                assertCleanStop(consumer);
            } finally {
                consumer.close();
            }
            String log = consumer.output();
            int recovered = log.split("are already stored", -1).length - 1;
            LOG.info(
                    kills + " kills survived; " + events.produced + " events stored exactly once; partitions found with"
                            + " stored-but-uncommitted records after a kill: " + recovered);
        }
    }

    /** Consumer kills in the kill -9 test: each one after the previous run stored something. */
    private static final int KILLS = 4;

    @Test
    void recordsStoredButNotCommittedByACrashedConsumerAreNotStoredAgain(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("crash", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 6)) {
            events.send(3_000);
        }
        // Play the consumer that crashed after its insert and before its commit: store the first
        // 400 records of every partition, with their Kafka coordinates, and commit nothing.
        ch.execute("CREATE DATABASE " + database);
        for (String sql : SchemaInstaller.statements(
                database, Map.of("RAW_RETENTION_DAYS", "30", "ROLLUP_RETENTION_DAYS", "36500"))) {
            ch.execute(sql);
        }
        int stored = 0;
        try (HikariDataSource pool =
                ClickHousePool.create(ch.jdbcUrl(database), ch.user(), ch.password(), 1, Duration.ofSeconds(30))) {
            ClickHouseEventWriter writer = new ClickHouseEventWriter(pool);
            EventCodec codec = new EventCodec();
            List<EventRow> rows = new ArrayList<>();
            UUID topicId = TestEvents.topicId(kafka, topic);
            for (ConsumerRecord<String, byte[]> record : readAll(kafka, topic)) {
                if (record.offset() < 400) {
                    rows.add(new EventRow(
                            codec.decode(record.value()),
                            record.topic(),
                            topicId,
                            record.partition(),
                            record.offset()));
                }
            }
            writer.write(rows, "crashed consumer's batch");
            stored = rows.size();
        }
        assertEquals(1_200, stored);

        try (ConsumerProcess consumer = ConsumerProcess.start(
                dir.resolve("consumer.log"),
                ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "1s"))) {
            awaitRows(ch, database, 3_000, consumer);
            awaitSettled(kafka, topic, consumer);
            assertExactlyOnce(ch, database, 3_000);
            assertCleanStop(consumer);
            String log = consumer.output();
            assertEquals(
                    3,
                    log.split("400 records after the committed offset 0 are already stored", -1).length - 1,
                    "each partition found its 400 stored records:\n" + log);
            assertTrue(log.contains("duplicates skipped 1200"), "in the summary at the stop:\n" + log);
        }
    }

    @Test
    void sigtermMidBatchStoresAndCommitsTheBufferedRows(KafkaService kafka, ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        String topic = kafka.createTopic("sigterm", 1); // one partition: blocks of 1,000 are its blocks
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 5)) {
            events.send(2_500);
            // Blocks of 1,000 and a 10-minute wait: 500 rows stay buffered until the SIGTERM.
            List<String> args = ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "10m");
            try (ConsumerProcess consumer = ConsumerProcess.start(dir.resolve("consumer.log"), args)) {
                awaitRows(ch, database, 2_000, consumer);
                // Two full batches stored and committed; the last 500 are buffered (the wait is 10 minutes).
                Await.until(
                        "2,000 records committed",
                        Await.HANG,
                        () -> CommittedOffsets.lag(kafka, topic + "-group", topic),
                        behind -> behind == 500,
                        consumer::output);
                assertEquals(2_000, count(ch, database, ""), "the last 500 wait in the buffer");
                assertCleanStop(consumer);
            }
            assertExactlyOnce(ch, database, 2_500);
            // A second run must find everything committed: it reads only what is new.
            events.send(10);
            try (ConsumerProcess again = ConsumerProcess.start(
                    dir.resolve("again.log"),
                    ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "200ms"))) {
                awaitRows(ch, database, 2_510, again);
                awaitSettled(kafka, topic, again);
                assertCleanStop(again);
                assertTrue(again.output().contains("consumed 10,"), "nothing re-read:\n" + again.output());
            }
            assertExactlyOnce(ch, database, 2_510);
        }
    }

    @Test
    void aBacklogDrainsInLargeBatchesAndBatchesShrinkBackOnceCaughtUp(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("backlog", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 8)) {
            events.send(200_000); // what an outage leaves behind
            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("consumer.log"),
                    ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "1s"))) {
                awaitRows(ch, database, 200_000, consumer);
                events.send(300); // live traffic once caught up
                awaitRows(ch, database, 200_300, consumer);
                awaitSettled(kafka, topic, consumer);
                assertExactlyOnce(ch, database, 200_300);
                String log = consumer.output();
                assertTrue(log.contains("catching up: "), log);
                assertTrue(log.contains("caught up: "), log);
                List<Integer> batches = new ArrayList<>();
                Matcher flushed = Pattern.compile("flushed (\\d+) rows").matcher(log);
                while (flushed.find()) {
                    batches.add(Integer.parseInt(flushed.group(1)));
                }
                LOG.info("batch sizes: " + batches.size() + " inserts, largest "
                        + batches.stream().max(Integer::compare).orElse(0));
                assertTrue(batches.stream().anyMatch(rows -> rows > 1_000), "large batches while behind: " + batches);
                assertTrue(
                        batches.size() < 100, "far fewer inserts than 1,000-row batches would need: " + batches.size());
                assertTrue(batches.get(batches.size() - 1) <= 1_000, "the user's batches once caught up: " + batches);
                assertCleanStop(consumer);
            }
        }
    }

    /** SIGTERM: the JVM exits with 143 (128 + SIGTERM) after the consumer stopped cleanly. */
    static void assertCleanStop(ConsumerProcess consumer) throws InterruptedException {
        int exit = consumer.terminate();
        String log = consumer.output();
        assertEquals(ConsumerProcess.SIGTERM_EXIT, exit, log);
        assertTrue(log.contains("stopped: consumed"), log);
        assertTrue(!log.contains("left uncommitted"), log);
    }

    static String header(ConsumerRecord<?, byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    /** Every record {@code topic} holds now: call it once whoever writes the topic has finished. */
    static List<ConsumerRecord<String, byte[]>> readAll(KafkaService kafka, String topic) {
        return TopicContents.readAll(kafka.bootstrapServers(), topic);
    }
}
