package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.count;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static io.clickstream.consumer.ConsumerIT.header;
import static io.clickstream.consumer.ConsumerIT.readAll;
import static io.clickstream.consumer.ConsumerIT.stored;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once under the faults deployments see beyond a kill: answers lost after ClickHouse
 * stored an insert, a ClickHouse that does not answer, a re-created topic, a new group id,
 * history spanning months, text at its maximum length, a poison record over 1 MiB and a
 * column changed under the running consumer. The consumer jar runs as a process against a real
 * broker and a real ClickHouse; faults come from a TCP proxy between the two.
 */
@ExtendWith(RealServices.class)
class ExactlyOnceIT {
    private static void log(String message) {
        System.out.println("[ExactlyOnceIT] " + message);
    }

    /** A fault-injecting proxy in front of the test's ClickHouse. */
    static FaultProxy proxyTo(ClickHouseService ch) throws IOException {
        return FaultProxy.start(ch.httpEndpoint().getHost(), ch.httpEndpoint().getPort());
    }

    /** The consumer jar on {@code topic}, reaching ClickHouse through {@code proxy}; 500 ms batches unless overridden. */
    static ConsumerProcess consumerThrough(
            FaultProxy proxy, KafkaService kafka, ClickHouseService ch, String topic, Path dir, String... extra)
            throws IOException {
        List<String> options = new ArrayList<>(List.of("--batch-max-wait", "500ms"));
        options.addAll(List.of(extra));
        List<String> args =
                ConsumerProcess.arguments(kafka, ch, topic, databaseFor(topic), options.toArray(String[]::new));
        int url = args.indexOf("--clickhouse-url") + 1;
        String hostPort = ch.httpEndpoint().getHost() + ":" + ch.httpEndpoint().getPort();
        args.set(url, args.get(url).replace(hostPort, "127.0.0.1:" + proxy.port()));
        return ConsumerProcess.start(dir.resolve("consumer.log"), args);
    }

    @Test
    void answersCutAfterClickHouseStoredTheInsertStoreNothingTwice(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("cut", 3);
        String database = databaseFor(topic);
        try (FaultProxy proxy = proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 11);
                ConsumerProcess consumer = consumerThrough(proxy, kafka, ch, topic, dir)) {
            AtomicBoolean sending = new AtomicBoolean(true);
            CompletableFuture<Void> producer = events.sendPacedInBackground(2_000, sending);
            awaitRows(ch, database, 1_000, consumer);
            // Every second insert answer is cut until six were: retries and fresh batches interleave.
            proxy.cutInsertAnswers(CUTS, 2);
            Await.untilTrue(
                    CUTS + " insert answers cut", Await.HANG, () -> proxy.faultsInjected() == CUTS, consumer::output);
            sending.set(false);
            producer.join();
            awaitSettled(kafka, topic, consumer);
            log(proxy.faultsInjected() + " insert answers cut of " + proxy.insertsSeen() + " inserts");
            assertEquals(CUTS, proxy.faultsInjected());
            assertExactlyOnce(ch, database, events.produced);
            assertRollupsCountEveryEventOnce(ch, database, events.produced);
            assertCleanStop(consumer);
        }
    }

    /** Insert answers cut in the cut-answers test. */
    private static final int CUTS = 6;

    @Test
    void aClickHouseThatDoesNotAnswerTimesOutAndTheRetryStoresNothingTwice(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("hung", 3);
        String database = databaseFor(topic);
        try (FaultProxy proxy = proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 12);
                ConsumerProcess consumer =
                        consumerThrough(proxy, kafka, ch, topic, dir, "--clickhouse-timeout", "2s")) {
            events.send(1_000);
            awaitRows(ch, database, 1_000, consumer);
            proxy.holdInsertAnswers(2, Duration.ofSeconds(6)); // three times the consumer's timeout
            events.send(2_000);
            Await.untilTrue("two insert answers held", Await.HANG, () -> proxy.faultsInjected() == 2, consumer::output);
            awaitRows(ch, database, 3_000, consumer);
            Await.untilTrue("the held answers dropped", Await.HANG, () -> proxy.answersHeld() == 0);
            awaitSettled(kafka, topic, consumer);
            log("stored with " + proxy.faultsInjected() + " answers held back");
            assertEquals(2, proxy.faultsInjected());
            assertExactlyOnce(ch, database, 3_000);
            assertRollupsCountEveryEventOnce(ch, database, 3_000);
            String output = consumer.output();
            assertTrue(
                    output.contains("Read timed out")
                            || output.contains("SocketTimeout")
                            || output.contains("timed out"),
                    "the consumer timed out instead of waiting:\n" + output);
            assertCleanStop(consumer);
        }
    }

    @Test
    void twoConsumersKilledAtRandomAndAClickHouseCrashLoseAndDuplicateNothing(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("crashes", 3);
        String database = databaseFor(topic);
        long seed = Long.getLong("clickstream.test.seed", System.nanoTime());
        log("randomized fault moments, seed " + seed + " (rerun with -Dclickstream.test.seed=" + seed + ")");
        Random random = new Random(seed);
        List<List<String>> args = new ArrayList<>();
        for (String instance : List.of("consumer-a", "consumer-b")) {
            args.add(ConsumerProcess.arguments(
                    kafka,
                    ch,
                    topic,
                    database,
                    "--batch-max-rows",
                    "300",
                    "--batch-max-wait",
                    "500ms",
                    "--instance-id",
                    instance));
        }
        ConsumerProcess[] consumers = new ConsumerProcess[2];
        int kills = 0;
        boolean clickHouseCrashed = false;
        try (TestEvents events = new TestEvents(kafka, topic, 19)) {
            for (int i = 0; i < 2; i++) {
                consumers[i] = ConsumerProcess.start(dir.resolve("consumer-" + i + ".log"), args.get(i));
            }
            AtomicBoolean sending = new AtomicBoolean(true);
            CompletableFuture<Void> producer = events.sendPacedInBackground(800, sending);
            try {
                // Three consumer kills and a ClickHouse kill, each once the pipeline stored more since the
                // last fault, at a random moment after that.
                while (kills < 3 || !clickHouseCrashed) {
                    awaitRows(ch, database, stored(ch, database) + 300, consumers[0]);
                    Thread.sleep(random.nextInt(2_000)); // a random moment: the fault, not a wait for a result
                    if (!clickHouseCrashed && kills >= 2) {
                        log("kill -9 of ClickHouse with " + count(ch, database, "") + " rows stored");
                        ch.crash();
                        clickHouseCrashed = true;
                        continue;
                    }
                    int victim = random.nextInt(2);
                    consumers[victim].kill();
                    kills++;
                    log("kill -9 #" + kills + " of consumer " + victim);
                    consumers[victim] =
                            ConsumerProcess.start(dir.resolve("consumer-" + victim + ".log"), args.get(victim));
                }
                sending.set(false);
                producer.join();
                awaitSettled(kafka, topic, consumers[0]);
                assertExactlyOnce(ch, database, events.produced);
                assertRollupsCountEveryEventOnce(ch, database, events.produced);
                assertCleanStop(consumers[0]);
                assertCleanStop(consumers[1]);
            } finally {
                for (ConsumerProcess consumer : consumers) {
                    consumer.close();
                }
            }
            log(kills + " consumer kills and a ClickHouse kill survived; " + events.produced + " events stored once");
        }
    }

    @Test
    void aTopicDeletedAndCreatedAgainHasItsNewRecordsStored(KafkaService kafka, ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        String topic = kafka.createTopic("recreated", 3);
        String database = databaseFor(topic);
        List<String> args = ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms");
        try (TestEvents events = new TestEvents(kafka, topic, 13)) {
            events.send(3_000);
        }
        try (ConsumerProcess consumer = ConsumerProcess.start(dir.resolve("first.log"), args)) {
            awaitRows(ch, database, 3_000, consumer);
            assertCleanStop(consumer);
        }
        kafka.admin().deleteTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        awaitTopicGone(kafka, topic);
        kafka.createTopicNamed(topic, 3);
        long second;
        try (TestEvents events = new TestEvents(kafka, topic, 14)) {
            events.send(3_000);
            second = events.produced;
        }
        try (ConsumerProcess consumer = ConsumerProcess.start(dir.resolve("second.log"), args)) {
            awaitRows(ch, database, 6_000, consumer);
            awaitSettled(kafka, topic, consumer);
            assertEquals(2, ch.queryLong("SELECT uniqExact(kafka_topic_id) FROM " + database + ".events"));
            assertExactlyOnceAcrossTopics(ch, database, 3_000 + second);
            assertCleanStop(consumer);
        }
    }

    @Test
    void aNewGroupReadingFromTheStartStoresNothingAgain(KafkaService kafka, ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        String topic = kafka.createTopic("regroup", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 15)) {
            events.send(6_000);
        }
        try (ConsumerProcess consumer = ConsumerProcess.start(
                dir.resolve("first.log"),
                ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
            awaitRows(ch, database, 6_000, consumer);
            assertCleanStop(consumer);
        }
        // Another group id (or offsets reset to earliest): every record is read again from offset 0.
        try (ConsumerProcess consumer = ConsumerProcess.start(
                dir.resolve("second.log"),
                ConsumerProcess.arguments(
                        kafka,
                        ch,
                        topic,
                        database,
                        "--batch-max-wait",
                        "500ms",
                        "--group-id",
                        topic + "-another-group"))) {
            consumer.awaitOutput("duplicates skipped 6000", Await.HANG);
            CommittedOffsets.awaitCaughtUp(kafka, topic + "-another-group", topic, Await.HANG, consumer::output);
            assertExactlyOnce(ch, database, 6_000);
            assertCleanStop(consumer);
        }
    }

    @Test
    void historySpanningMoreThanAHundredDaysAndTextAtMaximumLengthAreStored(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("history", 3);
        String database = databaseFor(topic);
        String ascii = "a".repeat(EventCodec.MAX_TEXT_LENGTH);
        String wide = "\u00e9\u20ac".repeat(EventCodec.MAX_TEXT_LENGTH / 2); // 2- and 3-byte UTF-8
        Instant now = Instant.now();
        try (TestEvents events = new TestEvents(kafka, topic, 16)) {
            for (int i = 0; i < 3_000; i++) {
                String text = i % 2 == 0 ? ascii : wide;
                events.send(new ClickEvent(
                        new UUID(16, i),
                        EventType.PURCHASE,
                        text,
                        text,
                        new BigDecimal("999999999.99"),
                        now.minus(Duration.ofDays(i % 200)).minusMillis(i),
                        text,
                        text,
                        text,
                        text,
                        text,
                        null,
                        null,
                        null));
            }
            events.flush();
        }
        try (ConsumerProcess consumer = ConsumerProcess.start(
                dir.resolve("consumer.log"),
                ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
            awaitRows(ch, database, 3_000, consumer);
            awaitSettled(kafka, topic, consumer);
            assertExactlyOnce(ch, database, 3_000);
            assertEquals(200, ch.queryLong("SELECT uniqExact(toDate(timestamp)) FROM " + database + ".events"));
            assertEquals(1_500, count(ch, database, "user_id = '" + ascii + "' AND os = '" + ascii + "'"));
            assertEquals(1_500, count(ch, database, "user_id = '" + wide + "' AND os = '" + wide + "'"));
            assertCleanStop(consumer);
        }
    }

    @Test
    void aPoisonRecordOverOneMebibyteIsDeadLetteredTruncatedAndThePartitionMovesOn(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = KafkaService.uniqueName("huge");
        int twoMiB = 2 * 1024 * 1024;
        kafka.admin()
                .createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                        .configs(Map.of("max.message.bytes", Integer.toString(twoMiB)))))
                .all()
                .get(30, TimeUnit.SECONDS);
        String database = databaseFor(topic);
        byte[] poison = ("{\"event_id\":\"" + "x".repeat(1_500_000) + "\"}").getBytes(StandardCharsets.UTF_8);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, twoMiB);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "user_huge".getBytes(StandardCharsets.UTF_8), poison))
                    .get(30, TimeUnit.SECONDS);
        }
        try (TestEvents events = new TestEvents(kafka, topic, 17)) {
            events.send(500);
        }
        try (ConsumerProcess consumer = ConsumerProcess.start(
                dir.resolve("consumer.log"),
                ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
            awaitRows(ch, database, 500, consumer);
            awaitSettled(kafka, topic, consumer);
            assertExactlyOnce(ch, database, 500);
            assertCleanStop(consumer);
        }
        List<ConsumerRecord<String, byte[]>> letters = readAll(kafka, topic + ".dlq");
        assertEquals(1, letters.size());
        ConsumerRecord<String, byte[]> letter = letters.get(0);
        assertEquals("0", header(letter, DeadLetterPublisher.SOURCE_OFFSET));
        assertEquals(topic, header(letter, DeadLetterPublisher.SOURCE_TOPIC));
        assertNotNull(header(letter, DeadLetterPublisher.REASON));
        assertEquals("value=" + poison.length, header(letter, DeadLetterPublisher.TRUNCATED));
        assertEquals(256 * 1024, letter.value().length, "the payload's first 256 KiB");
    }

    @Test
    void aColumnChangedUnderTheRunningConsumerStopsItNamingTheColumn(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("altered", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 18);
                ConsumerProcess consumer = ConsumerProcess.start(
                        dir.resolve("consumer.log"),
                        ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
            events.send(1_000);
            awaitRows(ch, database, 1_000, consumer);
            awaitSettled(kafka, topic, consumer); // the commit of that batch
            // Same width, other meaning: without the typed header these values would be stored x100 too small.
            ch.execute("ALTER TABLE " + database + ".events MODIFY COLUMN price Decimal(18, 4)");
            events.send(1_000);
            assertTrue(consumer.waitFor(Await.HANG), "the consumer stops:\n" + consumer.output());
            assertEquals(ConsumerMain.EXIT_FATAL, consumer.exitValue(), consumer.output());
            String output = consumer.output();
            assertTrue(
                    output.contains("column price of the events table is now Decimal(18, 4), the consumer writes"
                            + " Decimal(18, 2)"),
                    output);
            assertEquals(1_000, count(ch, database, ""), "nothing of the refused batch stored");
            assertEquals(
                    1_000,
                    CommittedOffsets.committed(kafka, topic + "-group"),
                    "nothing committed past the stored batch");
        }
    }

    @Test
    void anInsertAcknowledgedButNotStoredStopsTheConsumerAndCommitsNothing(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("unstored", 3);
        String database = databaseFor(topic);
        try (FaultProxy proxy = proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 20)) {
            proxy.acknowledgeInsertsWithoutStoring(1); // "200, 0 rows written", and nothing reached ClickHouse
            events.send(500);
            try (ConsumerProcess consumer = consumerThrough(proxy, kafka, ch, topic, dir)) {
                assertTrue(consumer.waitFor(Await.HANG), "the consumer stops:\n" + consumer.output());
                assertEquals(ConsumerMain.EXIT_FATAL, consumer.exitValue(), consumer.output());
                // One partition's block: all of its rows reported written and missing.
                assertTrue(
                        java.util.regex.Pattern.compile("ClickHouse acknowledged an insert of (\\d+) rows reporting 0"
                                        + " written, and \\1 of them are not stored")
                                .matcher(consumer.output())
                                .find(),
                        consumer.output());
            }
            assertEquals(1, proxy.faultsInjected());
            assertEquals(0, count(ch, database, ""));
            assertEquals(0, CommittedOffsets.committed(kafka, topic + "-group"), "nothing committed");
        }
    }

    /** Each rollup counts every stored event once: a re-sent insert left no second block in any view. */
    static void assertRollupsCountEveryEventOnce(ClickHouseService ch, String database, long events) {
        assertEquals(
                events,
                ch.queryLong("SELECT sum(events) FROM " + database + ".events_per_minute"),
                "events_per_minute");
        assertEquals(events, ch.queryLong("SELECT sum(events) FROM " + database + ".segment_minute"), "segment_minute");
        assertEquals(events, ch.queryLong("SELECT sum(events) FROM " + database + ".sessions"), "sessions");
        assertEquals(events, ch.queryLong("SELECT sum(events) FROM " + database + ".category_day"), "category_day");
        assertEquals(
                events, ch.queryLong("SELECT sum(events) FROM " + database + ".category_minute"), "category_minute");
    }

    /** Like {@link ConsumerIT#assertExactlyOnce}, where two topics' offsets overlap: the record key includes the topic ID. */
    private static void assertExactlyOnceAcrossTopics(ClickHouseService ch, String database, long produced) {
        String table = database + ".events";
        assertEquals(produced, count(ch, database, ""), "rows = produced");
        assertEquals(produced, ch.queryLong("SELECT uniqExact(event_id) FROM " + table), "no event stored twice");
        assertEquals(
                produced,
                ch.queryLong("SELECT uniqExact(kafka_topic_id, kafka_partition, kafka_offset) FROM " + table),
                "no Kafka record stored twice");
    }

    private static void awaitTopicGone(KafkaService kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            Await.untilTrue(
                    "topic " + topic + " no longer listed after its deletion",
                    Await.HANG,
                    () -> !admin.listTopics().names().get(10, TimeUnit.SECONDS).contains(topic));
        }
    }
}
