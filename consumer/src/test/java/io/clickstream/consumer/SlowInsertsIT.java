package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static io.clickstream.consumer.ExactlyOnceIT.assertRollupsCountEveryEventOnce;
import static io.clickstream.consumer.ExactlyOnceIT.consumerThrough;
import static io.clickstream.consumer.ExactlyOnceIT.proxyTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once when an insert lands long after the consumer gave up on it: a first attempt that
 * waits on the server past the client's timeout (a table lock: up to {@code lock_acquire_timeout},
 * 120 s by default) and completes after the retry, and a re-send that arrives after another writer
 * filled the table with blocks of far-apart days. Both are forced by a proxy that holds insert
 * requests before ClickHouse sees them; nothing here depends on how fast the machine is.
 */
@ExtendWith(RealServices.class)
class SlowInsertsIT {
    private static void log(String message) {
        System.out.println("[SlowInsertsIT] " + message);
    }

    @Test
    void aFirstAttemptThatCompletesAfterItsRetryIsDroppedAsADuplicate(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("slow-first", 3);
        String database = databaseFor(topic);
        try (FaultProxy proxy = proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 21);
                ConsumerProcess consumer =
                        consumerThrough(proxy, kafka, ch, topic, dir, "--clickhouse-timeout", "2s")) {
            events.send(1_000);
            awaitRows(ch, database, 1_000, consumer);
            proxy.delayInsertRequests(1); // the next insert waits on the server past the client's timeout
            AtomicBoolean sending = new AtomicBoolean(true);
            CompletableFuture<Void> producer = events.sendPacedInBackground(1_000, sending); // rows arrive behind it
            Await.untilTrue("an insert delayed", Await.HANG, () -> proxy.insertsDelayed() == 1, consumer::output);
            Await.untilTrue(
                    "the consumer gave up on it and retries",
                    Await.HANG,
                    () -> consumer.output().contains("retrying in"),
                    consumer::output);
            sending.set(false);
            producer.join();
            awaitRows(ch, database, events.produced, consumer); // every event stored, the delayed block by its retry
            proxy.releaseDelayedInserts(); // now the first attempt completes
            Await.untilTrue("the first attempt landed", Await.HANG, () -> proxy.delayedInsertsLanded() == 1);
            awaitSettled(kafka, topic, consumer);
            log(events.produced + " events; the first attempt landed after its retry stored the block");
            assertExactlyOnce(ch, database, events.produced);
            assertRollupsCountEveryEventOnce(ch, database, events.produced);
            assertCleanStop(consumer);
        }
    }

    @Test
    void aResendAfterAnotherWriterStoredManyMonthsOfHistoryIsStillRecognised(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("window", 1);
        String database = databaseFor(topic);
        try (FaultProxy proxy = proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 22);
                ConsumerProcess consumer =
                        consumerThrough(proxy, kafka, ch, topic, dir, "--clickhouse-timeout", "2s")) {
            events.send(1_000);
            awaitRows(ch, database, 1_000, consumer);
            proxy.cutInsertAnswerThenDelayRequests(); // the next block is stored, its answer lost; re-sends wait
            events.send(300);
            Await.untilTrue("a re-send held", Await.HANG, () -> proxy.insertsDelayed() >= 1, consumer::output);
            // Meanwhile another writer stores 6,000 events spread over 200 days, in six inserts: with a
            // partition per day that is 1,200 blocks, more than a 1,000-block window remembers.
            for (int insert = 0; insert < 6; insert++) {
                HistoryWriter.insert(ch, database, insert * 1_000L);
            }
            long blocks = ch.queryLong("SELECT count() FROM system.parts WHERE database = '" + database
                    + "' AND table = 'events' AND active AND partition_id != ''");
            log("the other writer's inserts left " + blocks + " active parts");
            proxy.releaseDelayedInserts(); // the re-sends land
            awaitRows(ch, database, 1_300 + 6_000, consumer);
            awaitSettled(kafka, topic, consumer);
            String ours = " FROM " + database + ".events WHERE kafka_topic = '" + topic + "'";
            assertEquals(1_300, ch.queryLong("SELECT count()" + ours), "the re-sent block stored once");
            assertEquals(1_300, ch.queryLong("SELECT uniqExact(event_id)" + ours));
            assertEquals(
                    6_000, ch.queryLong("SELECT count() FROM " + database + ".events WHERE kafka_topic = 'history'"));
            assertCleanStop(consumer);
        }
    }
}
