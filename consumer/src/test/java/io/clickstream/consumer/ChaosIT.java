package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.BrokerProcess;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The randomized fault run (docs/consumer.md, "The randomized fault run"): two to three consumer
 * jars and a producer against a real broker and the local ClickHouse, while {@link ChaosSchedule}
 * injects, at random from a seed, every fault the consumer must survive, overlapping as they
 * come. Then everything is healed, and the invariant is checked on what the run produced:
 * {@code count() = uniqExact(event_id) = uniqExact(topic ID, partition, offset) = events Kafka
 * acknowledged}, every partition committed to its end, and no consumer exited on its own.
 *
 * <p>Short mode in {@code mvn verify}: {@value #DEFAULT_SECONDS} s of faults with a fixed seed.
 * Long mode: {@code scripts/chaos.sh --minutes N [--seed S]} (system properties
 * {@code chaos.seconds}, {@code chaos.seed}). The seed fixes the schedule (which fault, when, for
 * how long, on which consumer); how the system interleaves with it still varies from run to run.
 */
@ExtendWith(RealServices.class)
class ChaosIT {
    static final long DEFAULT_SECONDS = 180;
    static final long DEFAULT_SEED = 20261202L;
    private static final int PARTITIONS = 6;

    private static void log(String message) {
        System.out.println("[ChaosIT] " + message);
    }

    /** The consumers' logs stay after the run (target/chaos-logs/seed-N/consumer-M/), to read what happened. */
    private static Path logsOf(long seed) throws java.io.IOException {
        Path logs = Path.of("target", "chaos-logs", "seed-" + seed);
        if (Files.exists(logs)) {
            try (java.util.stream.Stream<Path> old = Files.walk(logs)) {
                old.sorted(java.util.Comparator.reverseOrder())
                        .forEach(p -> p.toFile().delete());
            }
        }
        return Files.createDirectories(logs);
    }

    @Test
    void randomFaultsNeverLoseOrDuplicateAnAcknowledgedEvent(ClickHouseService ch, @TempDir Path dir) throws Exception {
        long seconds = Long.getLong("chaos.seconds", DEFAULT_SECONDS);
        long seed = Long.getLong("chaos.seed", DEFAULT_SEED);
        try (BrokerProcess broker = BrokerProcess.start(dir);
                FaultProxy proxy = ExactlyOnceIT.proxyTo(ch)) {
            KafkaService kafka = broker.kafka;
            String topic = kafka.createTopic("chaos", PARTITIONS);
            String database = databaseFor(topic);
            try (TestEvents events = new TestEvents(kafka, topic, seed);
                    ChaosSchedule chaos = new ChaosSchedule(
                            seed, kafka, ch, proxy, broker.process, topic, PARTITIONS, logsOf(seed))) {
                chaos.startConsumers(2);
                AtomicBoolean sending = new AtomicBoolean(true);
                CompletableFuture<Void> producer = events.sendPacedInBackground(300, sending);
                log("seed " + seed + ", " + seconds + " s of faults on topic " + topic);
                chaos.run(Duration.ofSeconds(seconds));
                chaos.healAll();
                long healed = System.nanoTime();
                sending.set(false);
                producer.join(); // every event acknowledged by Kafka, or the test fails here
                long acknowledged = events.produced;
                String ours = " FROM " + database + ".events WHERE kafka_topic = '" + topic + "'";
                Await.until(
                        "every acknowledged event stored (" + acknowledged + ")",
                        Duration.ofMinutes(5),
                        () -> ch.queryLong("SELECT uniqExact(event_id)" + ours),
                        stored -> stored >= acknowledged,
                        chaos::consumerLogs);
                CommittedOffsets.awaitCaughtUp(
                        kafka, topic + "-group", topic, Duration.ofMinutes(5), chaos::consumerLogs);
                chaos.recovered(Duration.ofNanos(System.nanoTime() - healed));
                long rows = ch.queryLong("SELECT count()" + ours);
                long events1 = ch.queryLong("SELECT uniqExact(event_id)" + ours);
                long records = ch.queryLong("SELECT uniqExact(kafka_topic_id, kafka_partition, kafka_offset)" + ours);
                String report = chaos.report(acknowledged, rows, events1);
                log(report);
                Files.writeString(Path.of("target", "chaos-report.txt"), report + System.lineSeparator());
                assertEquals(List.of(), chaos.unexpectedExits(), "no consumer may exit on its own");
                assertEquals(
                        List.of(),
                        chaos.livenessViolations(),
                        "every partition stores again within " + StallWatch.LIVENESS_BOUND.toSeconds()
                                + " s of each heal\n" + report);
                assertEquals(acknowledged, events1, "lost: " + (acknowledged - events1) + "\n" + report);
                assertEquals(events1, rows, "stored twice: " + (rows - events1) + "\n" + report);
                assertEquals(events1, records, "a Kafka record stored under two event ids\n" + report);
                assertTrue(chaos.faultsInjected() > 0, report);
                chaos.stopConsumers();
            }
        }
    }
}
