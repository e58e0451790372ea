package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClickHouse's own pressure signal: a table with more active parts than {@code
 * parts_to_throw_insert} refuses inserts with TOO_MANY_PARTS (252) until merges catch up. The
 * consumer must neither stop nor hammer the server: it pauses, retries with growing waits, and
 * stores everything once when the parts are merged. Merges are stopped and the threshold lowered
 * on the real engine, so the refusals are ClickHouse's own.
 */
@ExtendWith(RealServices.class)
class ClickHousePressureIT {
    private static final Pattern RETRY = Pattern.compile("retrying in (\\d+) ms: .*TOO_MANY_PARTS");

    @Test
    void tooManyPartsPausesAndBacksOffThenStoresEverythingOnceWhenMergesCatchUp(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("parts", 3);
        String database = databaseFor(topic);
        String table = database + ".events";
        try (TestEvents events = new TestEvents(kafka, topic, 31);
                ConsumerProcess consumer = ConsumerProcess.start(
                        dir.resolve("consumer.log"),
                        ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "300ms"))) {
            events.send(300);
            awaitRows(ch, database, 300, consumer);
            long parts = activeParts(ch, database);
            ch.execute("SYSTEM STOP MERGES " + table);
            ch.execute("ALTER TABLE " + table + " MODIFY SETTING parts_to_throw_insert = " + (parts + 2)
                    + ", parts_to_delay_insert = " + (parts + 2));
            // Separate inserts, so the parts pile up: each burst is stored and committed before the next,
            // until ClickHouse refuses one.
            for (int burst = 0; burst < 6 && !RETRY.matcher(consumer.output()).find(); burst++) {
                events.send(100);
                Await.untilTrue(
                        "burst " + burst + " committed, or refused with TOO_MANY_PARTS",
                        Await.HANG,
                        () -> RETRY.matcher(consumer.output()).find()
                                || CommittedOffsets.lag(kafka, topic + "-group", topic) == 0,
                        consumer::output);
            }
            // The refusals go on while merges are stopped: the consumer waits longer each time, up to its cap.
            List<Long> waits = Await.until(
                    "TOO_MANY_PARTS retries with waits growing to the 2 s cap",
                    Await.HANG,
                    () -> retryWaits(consumer.output()),
                    w -> w.contains(2_000L),
                    consumer::output);
            assertTrue(consumer.isAlive(), "the consumer stopped on TOO_MANY_PARTS:\n" + consumer.output());
            System.out.printf(
                    "[ClickHousePressureIT] waits before retries %s ms, %d of %d rows stored%n",
                    waits, ch.queryLong("SELECT count() FROM " + table), events.produced);
            assertEquals(List.of(500L, 1_000L, 2_000L), waits.subList(0, 3), "doubling from 500 ms to the cap");
            assertTrue(
                    ch.queryLong("SELECT count() FROM " + table) < events.produced, "inserts were refused meanwhile");

            ch.execute("SYSTEM START MERGES " + table);
            ch.execute("OPTIMIZE TABLE " + table + " FINAL"); // the merges catch up
            awaitRows(ch, database, events.produced, consumer);
            awaitSettled(kafka, topic, consumer);
            assertExactlyOnce(ch, database, events.produced);
            assertTrue(
                    consumer.output().contains("ClickHouse accepts inserts again"),
                    "the consumer resumed:\n" + consumer.output());
            assertCleanStop(consumer);
        }
    }

    private static long activeParts(ClickHouseService ch, String database) {
        return ch.queryLong(
                "SELECT count() FROM system.parts WHERE database = '" + database + "' AND table = 'events' AND active");
    }

    /** The waits (ms) before each TOO_MANY_PARTS retry the consumer logged, in order. */
    private static List<Long> retryWaits(String output) {
        Matcher m = RETRY.matcher(output);
        List<Long> waits = new ArrayList<>();
        while (m.find()) {
            waits.add(Long.parseLong(m.group(1)));
        }
        return waits;
    }
}
