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
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No insert without ownership: a consumer frozen (SIGSTOP: a long GC pause, a suspended VM, a
 * throttled container) with rows in its buffer, past its session, while another member takes its
 * partitions and stores those rows. On waking its batch is due; it must not insert it.
 */
@ExtendWith(RealServices.class)
class PausedConsumerIT {
    private static final Pattern HEALTH_PORT = Pattern.compile("health and metrics on http://[^:]+:(\\d+)/health");
    private static final Pattern BUFFERED = Pattern.compile("(?m)^clickstream_consumer_buffered_rows (\\d+)");

    @Test
    void aConsumerPausedPastItsSessionDoesNotInsertTheBatchThatFellDueMeanwhile(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("paused", 3);
        String database = databaseFor(topic);
        List<String> args = ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "15s");
        try (TestEvents events = new TestEvents(kafka, topic, 71);
                ConsumerProcess a = ConsumerProcess.start(dir.resolve("a.log"), args)) {
            a.awaitOutput("assigned [", Await.HANG);
            a.awaitOutput("health and metrics on", Await.HANG);
            Matcher port = HEALTH_PORT.matcher(a.output());
            port.find();
            URI metrics = URI.create("http://127.0.0.1:" + port.group(1) + "/metrics");
            events.send(300);
            // a has the 300 rows in its buffer (due in 15 s) when it freezes
            Await.until("300 rows buffered by a", Await.HANG, () -> buffered(metrics), rows -> rows == 300, a::output);
            a.suspend();
            try (ConsumerProcess b = ConsumerProcess.start(dir.resolve("b.log"), args)) {
                // a's session expires; b gets every partition and stores the 300 rows
                awaitRows(ch, database, 300, b);
                awaitSettled(kafka, topic, b);
                long assignmentsBefore = occurrences(a, "assigned [");
                a.resume(); // its batch fell due while it was frozen
                Await.untilTrue(
                        "a noticed it left the group (a refused insert, or a new assignment)",
                        Await.HANG,
                        () -> a.output().contains("rows not inserted: the group no longer lets this consumer commit")
                                || occurrences(a, "assigned [") > assignmentsBefore
                                || occurrences(a, "lost [") > 0,
                        a::output);
                events.send(300);
                awaitRows(ch, database, 600, b);
                awaitSettled(kafka, topic, b);
                assertExactlyOnce(ch, database, 600);
                assertCleanStop(a);
                assertCleanStop(b);
                a.output()
                        .lines()
                        .filter(line -> line.contains("not inserted")
                                || line.contains("lost [")
                                || line.contains("assigned [")
                                || line.contains("revoked ["))
                        .forEach(line -> System.out.println("[PausedConsumerIT] a: " + line));
            }
        }
    }

    /**
     * The insert was already sent when the consumer froze: the intent commit before it could not
     * stop it. The partition's next owner reads the intent, forms the same block and stores it with
     * the same token, although more records are waiting behind it; the frozen consumer's insert
     * lands afterwards and ClickHouse drops it.
     */
    @Test
    void anInsertInFlightWhenItsConsumerFrozeIsDroppedWhenItLandsAfterTheNextOwnerStoredTheBlock(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        String topic = kafka.createTopic("frozen-insert", 1);
        String database = databaseFor(topic);
        try (FaultProxy proxy = ExactlyOnceIT.proxyTo(ch);
                TestEvents events = new TestEvents(kafka, topic, 72);
                ConsumerProcess a = ExactlyOnceIT.consumerThrough(
                        proxy, kafka, ch, topic, java.nio.file.Files.createDirectories(dir.resolve("a")))) {
            events.send(1_000);
            awaitRows(ch, database, 1_000, a);
            awaitSettled(kafka, topic, a);
            proxy.delayInsertRequests(1); // a's next insert stays on the wire ...
            events.send(300);
            Await.untilTrue("a's insert held", Await.HANG, () -> proxy.insertsDelayed() == 1, a::output);
            a.suspend(); // ... and a freezes with it in flight
            events.send(300); // more records behind the block: a new owner's own batch would differ
            try (ConsumerProcess b = ConsumerProcess.start(
                    dir.resolve("b.log"),
                    ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
                awaitRows(ch, database, 1_600, b); // b owns the partition once a's session expired
                awaitSettled(kafka, topic, b);
                proxy.releaseDelayedInserts(); // a's insert lands, late
                Await.untilTrue("a's late insert landed", Await.HANG, () -> proxy.delayedInsertsLanded() == 1);
                a.resume();
                events.send(300);
                awaitRows(ch, database, 1_900, b);
                awaitSettled(kafka, topic, b);
                assertExactlyOnce(ch, database, 1_900);
                assertTrue(
                        b.output().contains("an earlier owner may have sent offsets 1000 to 1299"),
                        "b formed a's block from its intent:\n" + b.output());
                assertCleanStop(b);
            }
        }
    }

    private static long buffered(URI metrics) throws Exception {
        String text = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(metrics).timeout(Await.HANG).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher m = BUFFERED.matcher(text);
        return m.find() ? Long.parseLong(m.group(1)) : -1;
    }
}
