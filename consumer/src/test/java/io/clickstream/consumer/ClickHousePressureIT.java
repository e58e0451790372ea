package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Path;
import java.time.Duration;
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
            awaitRows(ch, database, 300, Duration.ofSeconds(60), consumer);
            long parts = activeParts(ch, database);
            ch.execute("SYSTEM STOP MERGES " + table);
            ch.execute("ALTER TABLE " + table + " MODIFY SETTING parts_to_throw_insert = " + (parts + 2)
                    + ", parts_to_delay_insert = " + (parts + 2));
            for (int burst = 0; burst < 6; burst++) { // separate inserts, so the parts pile up
                events.send(100);
                Thread.sleep(700);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!RETRY.matcher(consumer.output()).find()) {
                assertTrue(System.nanoTime() < deadline, "no TOO_MANY_PARTS retry within 30 s:\n" + consumer.output());
                Thread.sleep(200);
            }
            int before = retries(consumer.output()).count;
            Thread.sleep(8_000); // the refusals go on: the consumer waits longer each time
            Retries during = retries(consumer.output());
            assertTrue(consumer.isAlive(), "the consumer stopped on TOO_MANY_PARTS:\n" + consumer.output());
            int attempts = during.count - before;
            System.out.printf(
                    "[ClickHousePressureIT] %d retries in 8 s of refusals, longest wait %d ms, %d of %d rows stored%n",
                    attempts, during.longestWaitMillis, ch.queryLong("SELECT count() FROM " + table), events.produced);
            assertTrue(
                    attempts >= 2 && attempts <= 8,
                    "retries in 8 s of refusals (backoff up to 2 s): " + attempts + "\n" + consumer.output());
            assertTrue(during.longestWaitMillis >= 2_000, "the waits grew to the cap: " + during.longestWaitMillis);
            assertTrue(
                    ch.queryLong("SELECT count() FROM " + table) < events.produced, "inserts were refused meanwhile");

            ch.execute("SYSTEM START MERGES " + table);
            ch.execute("OPTIMIZE TABLE " + table + " FINAL"); // the merges catch up
            awaitRows(ch, database, events.produced, Duration.ofSeconds(60), consumer);
            Thread.sleep(1_000);
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

    private record Retries(int count, long longestWaitMillis) {}

    private static Retries retries(String output) {
        Matcher m = RETRY.matcher(output);
        int count = 0;
        long longest = 0;
        while (m.find()) {
            count++;
            longest = Math.max(longest, Long.parseLong(m.group(1)));
        }
        return new Retries(count, longest);
    }
}
