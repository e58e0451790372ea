package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static io.clickstream.consumer.ConsumerIT.occurrences;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Liveness: whatever combination of ClickHouse outage and rebalance happens, every partition
 * stores again once ClickHouse answers. Here ClickHouse is down while one of two consumers stops
 * (a deploy, a scale-down): the other takes its partitions over in the middle of the outage, with
 * nothing left in its own buffer (its revocation flush failed), and must resume by itself.
 */
@ExtendWith(RealServices.class)
class RebalanceDuringOutageIT {
    private static final Duration LIVENESS_BOUND = Duration.ofSeconds(60);

    @Test
    void aConsumerThatTakesPartitionsOverDuringAnOutageStoresThemWhenClickHouseIsBack(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("outage-rebalance", 3);
        String database = databaseFor(topic);
        List<String> args = ConsumerProcess.arguments(
                kafka, ch, topic, database, "--batch-max-wait", "500ms", "--shutdown-timeout", "3s");
        try (TestEvents events = new TestEvents(kafka, topic, 61);
                ConsumerProcess a = ConsumerProcess.start(dir.resolve("a.log"), args);
                ConsumerProcess b = ConsumerProcess.start(dir.resolve("b.log"), args)) {
            Await.untilTrue(
                    "both consumers hold partitions",
                    Await.HANG,
                    () -> a.output().contains("assigned [") && b.output().contains("assigned ["),
                    () -> a.output() + "\n" + b.output());
            events.send(3_000);
            awaitRows(ch, database, 3_000, a);
            awaitSettled(kafka, topic, a);

            ch.stop();
            long aRetries = occurrences(a, "retrying in ");
            long bRetries = occurrences(b, "retrying in ");
            events.send(3_000);
            Await.untilTrue(
                    "both consumers failing against the stopped ClickHouse",
                    Await.HANG,
                    () -> occurrences(a, "retrying in ") > aRetries && occurrences(b, "retrying in ") > bRetries,
                    () -> a.output() + "\n" + b.output());
            long assignmentsBefore = occurrences(a, "assigned [");
            b.terminate(); // its partitions move to a, in the middle of the outage
            Await.untilTrue(
                    "a assigned all three partitions after b left",
                    Await.HANG,
                    () -> a.output()
                            .lines()
                            .filter(l -> l.contains("assigned ["))
                            .skip(assignmentsBefore)
                            .anyMatch(l ->
                                    l.contains(topic + "-0") && l.contains(topic + "-1") && l.contains(topic + "-2")),
                    a::output);
            ch.start(); // returns once ClickHouse answers
            long back = System.nanoTime();
            awaitRows(ch, database, 6_000, a); // every partition's rows
            Duration recovery = Duration.ofNanos(System.nanoTime() - back);
            System.out.printf(
                    "[RebalanceDuringOutageIT] every partition stored %.1f s after ClickHouse answered%n",
                    recovery.toMillis() / 1e3);
            // By construction within the retry backoff's cap (--max-retry-backoff: 2 s here, 30 s by default)
            // plus the insert; the bound is loose, for busy cores.
            assertTrue(recovery.compareTo(LIVENESS_BOUND) <= 0, "every partition storing again took " + recovery);
            awaitSettled(kafka, topic, a);
            assertExactlyOnce(ch, database, 6_000);
            assertCleanStop(a);
        }
    }
}
