package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static io.clickstream.consumer.ConsumerIT.header;
import static io.clickstream.consumer.ConsumerIT.readAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.model.ClickEvent;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dead letters as data: the consumer stores each in ClickHouse's dead_letters beside the
 * dead-letter topic, before it commits; replay-dead-letters re-publishes them after a fix, once.
 * Real broker, real ClickHouse, the consumer jar as a process.
 */
@ExtendWith(RealServices.class)
class DeadLettersIT {
    /** Poison payloads and the reason class each must be stored under. */
    private static Map<byte[], String> corpus() {
        Map<byte[], String> corpus = new LinkedHashMap<>();
        corpus.put(utf8("{\"event_id\":"), "malformed");
        corpus.put(utf8("not json at all"), "malformed");
        corpus.put(
                new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                "malformed"); // not UTF-8
        corpus.put(utf8("{}"), "missing_field");
        corpus.put(
                utf8(
                        "{\"event_id\":\"3f1c1f0e-6a43-4a8e-9d52-0c5b0f6e8a11\",\"event_type\":\"refund\",\"user_id\":\"u\","
                                + "\"product_id\":\"p\",\"price\":1,\"timestamp\":\"2026-01-01T00:00:00Z\"}"),
                "invalid_value");
        byte[] huge = new byte[100 * 1024];
        Arrays.fill(huge, (byte) 'x');
        corpus.put(huge, "too_large");
        return corpus;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void everyDeadLetterIsInTheTableAndTheTopicWithItsClassCoordinatesAndBytes(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("dead", 1);
        String database = databaseFor(topic);
        Map<byte[], String> corpus = corpus();
        try (TestEvents events = new TestEvents(kafka, topic, 41)) {
            for (byte[] poison : corpus.keySet()) {
                events.send(events.next());
                events.sendRaw("user_poison", poison);
            }
            events.flush();
            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("consumer.log"), ConsumerProcess.arguments(kafka, ch, topic, database))) {
                awaitRows(ch, database, events.produced, consumer);
                awaitSettled(kafka, topic, consumer); // the last poison record too
                assertCleanStop(consumer);
            }
            assertExactlyOnce(ch, database, events.produced);
        }
        List<Map<String, String>> rows = ch.queryRows("SELECT source_offset, reason_class, reason, source_topic,"
                + " source_partition, hex(payload) AS payload, payload_bytes, key, source_timestamp IS NOT NULL AS has_ts"
                + " FROM " + database + ".dead_letters FINAL ORDER BY source_offset");
        assertEquals(corpus.size(), rows.size(), "one row per poison record");
        int i = 0;
        for (Map.Entry<byte[], String> poison : corpus.entrySet()) {
            Map<String, String> row = rows.get(i);
            assertEquals(Long.toString(2L * i + 1), row.get("source_offset"), "poison records sit at odd offsets");
            assertEquals(poison.getValue(), row.get("reason_class"), row.toString());
            assertEquals(topic, row.get("source_topic"));
            assertEquals("user_poison", row.get("key"));
            assertEquals("1", row.get("has_ts"), "the Kafka timestamp is kept");
            byte[] stored = HexFormat.of().parseHex(row.get("payload"));
            byte[] expected =
                    poison.getKey().length <= 64 * 1024 ? poison.getKey() : Arrays.copyOf(poison.getKey(), 64 * 1024);
            assertArrayEquals(expected, stored, "exact bytes, cut at 64 KiB: " + row.get("reason"));
            assertEquals(Integer.toString(poison.getKey().length), row.get("payload_bytes"));
            i++;
        }
        List<ConsumerRecord<String, byte[]>> letters = readAll(kafka, topic + ".dlq");
        assertEquals(corpus.size(), letters.size(), "the topic has the same dead letters");
        Map<String, String> classByOffset = new TreeMap<>();
        letters.forEach(l -> classByOffset.put(
                header(l, DeadLetterPublisher.SOURCE_OFFSET), header(l, DeadLetterPublisher.REASON_CLASS)));
        Map<String, String> tableClasses = new TreeMap<>();
        rows.forEach(r -> tableClasses.put(r.get("source_offset"), r.get("reason_class")));
        assertEquals(tableClasses, classByOffset);
    }

    @Test
    void anAnswerCutAfterTheTableStoredTheDeadLettersStoresThemOnceAndCommits(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("dead-cut", 1);
        String database = databaseFor(topic);
        try (FaultProxy proxy = ExactlyOnceIT.proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 42)) {
            try (ConsumerProcess consumer = ExactlyOnceIT.consumerThrough(proxy, kafka, ch, topic, dir)) {
                events.send(10);
                awaitRows(ch, database, 10, consumer);
                proxy.cutInsertAnswers(1); // the next INSERT is the dead letters' own: no event comes with them
                for (int i = 0; i < 5; i++) {
                    events.sendRaw("user_poison", utf8("poison " + i));
                }
                events.flush();
                consumer.awaitOutput("ClickHouse accepts inserts again", Await.HANG);
                awaitSettled(kafka, topic, consumer);
                assertEquals(1, proxy.faultsInjected());
                assertTrue(consumer.output().contains("dead letters not stored in ClickHouse"), consumer.output());
                assertCleanStop(consumer);
            }
            assertEquals(5, ch.queryLong("SELECT count() FROM " + database + ".dead_letters FINAL"));
            assertEquals(5, ch.queryLong("SELECT uniqExact(source_offset) FROM " + database + ".dead_letters"));
            assertEquals(5, readAll(kafka, topic + ".dlq").size(), "the topic took them once");
            // committed past them: a new consumer in the same group finds nothing to do
            events.send(3);
            try (ConsumerProcess again = ConsumerProcess.start(
                    dir.resolve("again.log"), ConsumerProcess.arguments(kafka, ch, topic, database))) {
                awaitRows(ch, database, 13, again);
                awaitSettled(kafka, topic, again);
                assertCleanStop(again);
            }
            assertEquals(5, ch.queryLong("SELECT count() FROM " + database + ".dead_letters FINAL"));
            assertExactlyOnce(ch, database, 13);
        }
    }

    @Test
    void replayAfterTheFixStoresEachRejectedEventOnceAndASecondRunSendsNothing(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("replay", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 43);
                ConsumerProcess consumer = ConsumerProcess.start(
                        dir.resolve("consumer.log"),
                        ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "300ms"))) {
            events.send(100);
            awaitRows(ch, database, 100, consumer);
            // An operator adds a rule the pipeline does not know: ClickHouse refuses those rows.
            ch.execute("ALTER TABLE " + database + ".events ADD CONSTRAINT price_cap CHECK price < 500");
            int refused = 0;
            for (int i = 0; i < 400; i++) {
                ClickEvent event = events.next();
                if (event.price().compareTo(new BigDecimal("500")) >= 0) {
                    refused++;
                }
                events.send(event);
            }
            events.sendRaw("user_poison", utf8("{not json")); // stays invalid: never replayed
            events.flush();
            awaitRows(ch, database, 500 - refused, consumer);
            awaitDeadLetters(ch, database, refused + 1, consumer);
            assertTrue(refused > 20, "enough rows refused to matter: " + refused);

            ch.execute("ALTER TABLE " + database + ".events DROP CONSTRAINT price_cap"); // the fix
            awaitSettled(kafka, topic, consumer);
            long written = CommittedOffsets.endOffsets(kafka, topic);
            String dry = replay(kafka, ch, topic, dir, "dry", "--dry-run");
            assertTrue(dry.contains(String.format("would replay %,d dead letters", refused)), dry);
            assertEquals(written, CommittedOffsets.endOffsets(kafka, topic), "a dry run sends nothing");

            String first = replay(kafka, ch, topic, dir, "first");
            assertTrue(first.contains(String.format("replayed %,d dead letters", refused)), first);
            assertTrue(first.contains("1 still invalid"), first);
            awaitRows(ch, database, 500, consumer);

            awaitSettled(kafka, topic, consumer);
            written = CommittedOffsets.endOffsets(kafka, topic);
            String second = replay(kafka, ch, topic, dir, "second", "--reason-class", "rejected_by_clickhouse");
            assertTrue(second.contains("replayed 0 dead letters"), second);
            assertEquals(written, CommittedOffsets.endOffsets(kafka, topic), "a second run sends nothing");
            assertExactlyOnce(ch, database, 500);
            assertEquals(refused, ch.queryLong("SELECT count() FROM " + database + ".dead_letter_replays FINAL"));
            assertCleanStop(consumer);
        }
    }

    private static void awaitDeadLetters(ClickHouseService ch, String database, long expected, ConsumerProcess consumer)
            throws InterruptedException {
        Await.until(
                expected + " dead letters in " + database,
                Await.HANG,
                () -> ch.queryLong("SELECT count() FROM " + database + ".dead_letters FINAL"),
                stored -> stored >= expected,
                consumer::output);
    }

    /** Runs {@code replay-dead-letters} as users do; returns its output after a clean exit. */
    private static String replay(
            KafkaService kafka, ClickHouseService ch, String topic, Path dir, String name, String... extra)
            throws Exception {
        List<String> args = new ArrayList<>(List.of(
                "replay-dead-letters",
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--clickhouse-url",
                ch.jdbcUrl(databaseFor(topic)),
                "--clickhouse-user",
                ch.user(),
                "--clickhouse-password",
                ch.password()));
        args.addAll(List.of(extra));
        ConsumerProcess replay = ConsumerProcess.start(dir.resolve(name + ".log"), args);
        assertTrue(replay.waitFor(Await.HANG), "replay did not finish:\n" + replay.output());
        assertEquals(0, replay.exitValue(), replay.output());
        replay.output()
                .lines()
                .filter(l -> l.contains("dead letters") && !l.contains("configuration"))
                .forEach(l -> System.out.println("[DeadLettersIT] " + name + ": " + l));
        return replay.output();
    }
}
