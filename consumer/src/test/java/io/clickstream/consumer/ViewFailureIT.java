package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static io.clickstream.consumer.ExactlyOnceIT.assertRollupsCountEveryEventOnce;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A materialized view that fails after {@code events} stored a block: ClickHouse keeps the rows
 * and answers with an error naming the view. The consumer must not take that for bad data (bisect
 * the block into halves with new tokens: duplicates, and dead letters for stored rows); it stops
 * without committing, and once the view is fixed the restarted consumer sends the same block
 * again: {@code events} keeps one copy, and every view receives it.
 */
@ExtendWith(RealServices.class)
class ViewFailureIT {
    @Test
    void aViewThatRefusesAStoredBlockStopsTheConsumerAndAfterTheFixEveryViewHasEachEventOnce(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("view", 1);
        String database = databaseFor(topic);
        try (TestEvents events = new TestEvents(kafka, topic, 31)) {
            events.send(500);
            try (ConsumerProcess consumer = ConsumerProcess.start(
                    dir.resolve("first.log"),
                    ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
                awaitRows(ch, database, 500, consumer);
                awaitSettled(kafka, topic, consumer);
                // A view added by a user: it cannot read product ids as numbers, so it fails on every block.
                ch.execute("CREATE TABLE " + database + ".product_numbers (n UInt32) ENGINE = MergeTree ORDER BY n"
                        + " SETTINGS non_replicated_deduplication_window = 10000");
                ch.execute("CREATE MATERIALIZED VIEW " + database + ".product_numbers_mv TO " + database
                        + ".product_numbers AS SELECT toUInt32(product_id) AS n FROM " + database + ".events");
                events.send(300);
                Await.untilTrue("the consumer stops", Await.HANG, () -> !consumer.isAlive(), consumer::output);
                String log = consumer.output();
                assertEquals(1, consumer.exitValue(), log);
                assertTrue(log.contains("a materialized view refused"), log);
                assertTrue(log.contains("while pushing to view"), log);
            }
            long stored = ch.queryLong("SELECT count() FROM " + database + ".events");
            assertTrue(stored > 500, "the refused block is in events: " + stored);
            assertEquals(0, ch.queryLong("SELECT count() FROM " + database + ".product_numbers"));
            ch.execute("DROP VIEW " + database + ".product_numbers_mv"); // the fix
            ch.execute("CREATE MATERIALIZED VIEW " + database + ".product_numbers_mv TO " + database
                    + ".product_numbers AS SELECT toUInt32OrZero(product_id) AS n FROM " + database + ".events");
            try (ConsumerProcess again = ConsumerProcess.start(
                    dir.resolve("again.log"),
                    ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
                awaitSettled(kafka, topic, again);
                Await.untilTrue(
                        "the view received the re-sent block",
                        Await.HANG,
                        () -> ch.queryLong("SELECT count() FROM " + database + ".product_numbers") == 300,
                        again::output);
                assertExactlyOnce(ch, database, 800);
                assertRollupsCountEveryEventOnce(ch, database, 800);
                assertEquals(
                        0, ch.queryLong("SELECT count() FROM " + database + ".dead_letters"), "nothing dead-lettered");
                assertCleanStop(again);
            }
        }
    }
}
