package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.count;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.erasure.ErasureList;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventProperties;
import io.clickstream.model.Traffic;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code erase-customer} on the real broker and ClickHouse, with the consumer jar as a process: a
 * customer's events (and those of the two anonymous ids they used) are deleted, the other
 * shoppers' kept exactly once; a re-read of the whole topic (offsets reset to 0) does not store the
 * erased ones again; a visit after the erasure is stored; and with no consumer running, the
 * command changes nothing and says what to do, and run again once the consumer has caught up,
 * erases all of them, the anonymous ones too.
 */
@ExtendWith(RealServices.class)
class ErasureIT {
    private static final String CUSTOMER = "c-42";
    private static final String WHOSE = "customer_id = 'c-42' OR user_id IN ('anon-1', 'anon-2')";

    /** The customer's events: 5 anonymous views on one device, 5 after the login there, 3 on another device. */
    private static List<ClickEvent> customersEvents(TestEvents events) {
        List<ClickEvent> mine = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            ClickEvent e = events.next();
            String user = i < 10 ? "anon-1" : "anon-2";
            mine.add(new ClickEvent(
                            e.eventId(),
                            e.eventType(),
                            user,
                            e.productId(),
                            e.price(),
                            e.timestamp(),
                            "sess-" + user,
                            e.category(),
                            e.device(),
                            e.browser(),
                            e.os(),
                            null,
                            null,
                            null)
                    .with(Traffic.NONE, i < 5 ? null : CUSTOMER, EventProperties.NONE));
        }
        return mine;
    }

    private static List<String> erase(
            KafkaService kafka, ClickHouseService ch, String topic, String database, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "erase-customer",
                "--customer-id",
                CUSTOMER,
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--group-id",
                topic + "-group",
                "--clickhouse-url",
                ch.jdbcUrl(database),
                "--clickhouse-user",
                ch.user()));
        args.addAll(List.of(extra));
        return args;
    }

    private static int run(List<String> args, ClickHouseService ch) {
        return ConsumerMain.run(args.toArray(String[]::new), Map.of("CLICKHOUSE_PASSWORD", ch.password()));
    }

    private static void resetOffsetsToZero(KafkaService kafka, String topic, int partitions) throws Exception {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            Map<TopicPartition, OffsetAndMetadata> zero = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                zero.put(new TopicPartition(topic, p), new OffsetAndMetadata(0));
            }
            admin.alterConsumerGroupOffsets(topic + "-group", zero).all().get();
        }
    }

    @Test
    void aCustomerIsErasedAndAReReadOfTheTopicDoesNotStoreThemAgain(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("erase", 3);
        String database = databaseFor(topic);
        long others;
        try (TestEvents events = new TestEvents(kafka, topic, 34)) {
            events.send(300);
            customersEvents(events).forEach(events::send);
            events.sendRaw("anon-1", "{\"user_id\":\"anon-1\"}".getBytes(StandardCharsets.UTF_8)); // a dead letter
            events.send(300);
            others = events.produced - 13;
            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("consumer.log"), ConsumerProcess.arguments(kafka, ch, topic, database))) {
                awaitRows(ch, database, events.produced, consumer);
                awaitSettled(kafka, topic, consumer);
                assertEquals(13, count(ch, database, WHOSE));
                assertEquals(
                        1,
                        ch.queryLong("SELECT count() FROM " + database + ".dead_letters FINAL WHERE key = 'anon-1'"));

                assertEquals(0, run(erase(kafka, ch, topic, database, "--dry-run"), ch));
                assertEquals(13, count(ch, database, WHOSE), "a dry run changes nothing");

                assertEquals(0, run(erase(kafka, ch, topic, database), ch));
                assertEquals(0, count(ch, database, WHOSE), "the customer's events, before and after the login");
                assertEquals(others, count(ch, database, ""), "the other shoppers' events stay");
                assertEquals(
                        0,
                        ch.queryLong("SELECT count() FROM " + database + ".sessions WHERE " + WHOSE),
                        "no id left in the sessions rollup");
                assertEquals(
                        2,
                        ch.queryLong("SELECT count() FROM (SELECT session_id FROM " + database
                                + ".sessions WHERE session_id IN ('sess-anon-1', 'sess-anon-2') GROUP BY session_id)"),
                        "its counts stay, without the ids");
                assertEquals(0, ch.queryLong("SELECT count() FROM " + database + ".dead_letters WHERE key = 'anon-1'"));
                assertEquals(
                        3,
                        ch.queryLong("SELECT count() FROM " + database + ".erasures WHERE id_hash IN ('"
                                + ErasureList.hash(CUSTOMER) + "', '" + ErasureList.hash("anon-1") + "', '"
                                + ErasureList.hash("anon-2") + "')"),
                        "the erasure is recorded by the ids' hashes");
                assertEquals(
                        0,
                        ch.queryLong("SELECT count() FROM " + database + ".erasures WHERE position(id_hash, 'anon') > 0"
                                + " OR position(id_hash, 'c-42') > 0"),
                        "and never by the ids themselves");
                assertCleanStop(consumer);
            }

            // Kafka still holds every record: read the topic again from offset 0.
            resetOffsetsToZero(kafka, topic, 3);
            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("consumer-2.log"), ConsumerProcess.arguments(kafka, ch, topic, database))) {
                awaitSettled(kafka, topic, consumer);
                assertEquals(0, count(ch, database, WHOSE), "the re-read did not store them again");
                ConsumerIT.assertExactlyOnce(ch, database, others);
                assertTrue(
                        consumer.output().contains("3 erased ids"), "the consumer says it knows: " + consumer.output());

                // The customer comes back after the erasure: a new visit, stored as usual.
                ClickEvent again = customersEvents(events).get(7);
                events.send(again);
                events.flush();
                awaitRows(ch, database, others + 1, consumer);
                awaitSettled(kafka, topic, consumer);
                assertEquals(1, count(ch, database, WHOSE));
                assertCleanStop(consumer);
            }
        }
    }

    @Test
    void withNoConsumerRunningNothingChangesUntilTheConsumerHasCaughtUp(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("erase-idle", 3);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 35)) {
            events.send(200);
            customersEvents(events).forEach(events::send);
            events.send(200);
            events.flush();
            assertEquals(
                    0,
                    ConsumerMain.run(
                            new String[] {
                                "apply-schema", "--clickhouse-url", ch.jdbcUrl(database), "--clickhouse-user", ch.user()
                            },
                            Map.of("CLICKHOUSE_PASSWORD", ch.password())));

            // The customer's visitor ids are only in Kafka yet: nothing can be found, nothing is done.
            long started = System.nanoTime();
            assertEquals(1, run(erase(kafka, ch, topic, database, "--wait", "2s"), ch), "no consumer to wait for");
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 60, "it gave up after --wait");
            assertEquals(0, ch.queryLong("SELECT count() FROM " + database + ".erasures"), "nothing recorded");

            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("consumer.log"), ConsumerProcess.arguments(kafka, ch, topic, database))) {
                awaitSettled(kafka, topic, consumer);
                assertEquals(13, count(ch, database, WHOSE));
                assertEquals(0, run(erase(kafka, ch, topic, database), ch), "run again: now it completes");
                assertEquals(0, count(ch, database, WHOSE), "all 13, the anonymous ones too");
                ConsumerIT.assertExactlyOnce(ch, database, 400);
                assertCleanStop(consumer);
            }
        }
    }
}
