package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.BlockBuffers;
import io.clickstream.consumer.processing.CatchUpPolicy;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The randomized fault run of the ingest loop itself (docs/consumer.md, "Liveness"): the real
 * {@link IngestLoop} against {@link SimulatedKafkaConsumer} and the in-memory ClickHouse twin, on
 * a simulated clock, with faults drawn from a seed at every step and overlapping as they come:
 * ClickHouse down (inserts and look-ups fail), an insert stored whose answer is lost, an insert
 * held by the server that lands steps later (also after its consumer died), the broker away
 * (commits and look-ups time out), a fenced member (commits refused, then its partitions lost),
 * partitions revoked to another member and given back, a kill -9 and a new consumer, a SIGTERM
 * whose wakeup interrupts one of the next Kafka calls (then a drain and a new consumer), a
 * starved loop (the clock jumps past the session while nothing runs), and poison records. After
 * every step it checks:
 *
 * <ul>
 *   <li>nothing lost: below each partition's committed offset every record is stored or dead-lettered;
 *   <li>nothing stored twice;
 *   <li>the reported lag is 0 only when every record of the assigned partitions is stored.
 * </ul>
 *
 * And liveness: once no fault has been active for {@link #LIVENESS_BOUND} of simulated time (the
 * retry backoff's cap, a block's wait, and the look-ups' backoff), every record produced before
 * that stretch began is stored and committed; after the last heal, everything is. The whole run is a function of its seed: a failing seed is a
 * deterministic reproduction ({@code -Dfaultrun.seed=S -Dfaultrun.seeds=1 -Dfaultrun.log=true}
 * replays it with the loop's log); {@code -Dfaultrun.seeds=N} runs more seeds. Inserts run in
 * place, so an insert in flight across polls is not drawn here: {@code IngestLoopTest}'s gated
 * inserts, {@code SlowInsertsIT} and {@code ChaosIT} have it.
 */
class IngestLoopFaultRunTest {
    private static final String TOPIC = "events";
    private static final UUID TOPIC_ID = new UUID(3, 3);
    private static final List<TopicPartition> PARTITIONS =
            List.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
    private static final long SECOND = 1_000_000_000L;
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    private static final Duration BATCH_WAIT = Duration.ofSeconds(5);
    /** Small blocks: a poll often fills one and buffers more behind it, as a backlog does with 1,000. */
    private static final int BLOCK_ROWS = 200;
    /**
     * Liveness: from a heal to everything stored. The capped backoffs of a look-up and of an
     * insert run side by side; then a block's wait. Twice the cap and the wait, with room.
     */
    static final Duration LIVENESS_BOUND =
            MAX_BACKOFF.multipliedBy(2).plus(BATCH_WAIT).plusSeconds(10);

    /** Storms of faults, each followed by a calm that checks liveness. */
    private static final int CYCLES = 3;

    private static final int STORM_STEPS = 100;

    @Test
    void randomFaultsNeitherLoseNorDuplicateNorStallAnything() {
        long seeds = Long.getLong("faultrun.seeds", 100); // about 15 s here
        long first = Long.getLong("faultrun.seed", 1);
        Logger logger = (Logger) LoggerFactory.getLogger("io.clickstream");
        Level level = logger.getLevel();
        if (!Boolean.getBoolean("faultrun.log")) {
            logger.setLevel(Level.OFF); // thousands of faults: the story of each run is in its failure message
        }
        try {
            for (long seed = first; seed < first + seeds; seed++) {
                new Run(seed).run();
            }
        } finally {
            logger.setLevel(level);
        }
    }

    /**
     * The first seed that finds issue 33's loss without its fix: a SIGTERM during an outage woke
     * the retry's intent, and the drain's next block committed 400 on events-0 past offset 200.
     */
    @Test
    void seed6AShutdownDuringAnOutageLosesNothing() {
        new Run(6).run();
    }

    /** One run: its world, its faults and its checks, all from the seed. */
    private static final class Run {
        private final long seed;
        private final Random random;
        private final SimulatedKafkaConsumer kafka;
        private final InMemoryEventWriter clickHouse = new InMemoryEventWriter(new ArrayList<>());
        private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
        private final EventCodec codec = new EventCodec();
        private final List<String> story = new ArrayList<>();
        private IngestMetrics metrics;
        private IngestLoop loop;
        private long now;
        private int produced;
        private boolean clickHouseDown;
        private boolean held;
        private Set<TopicPartition> elsewhere = Set.of();
        private final long[] allStoredBelow = new long[PARTITIONS.size()];
        private final Set<String> deadLettered = new HashSet<>();
        private int dead;
        /** When the current stretch without an active fault began (-1: a fault is active), and the ends then. */
        private long quietSince = -1;

        private int livenessChecks;

        private final long[] endsWhenQuiet = new long[PARTITIONS.size()];

        Run(long seed) {
            this.seed = seed;
            this.random = new Random(seed);
            this.kafka = new SimulatedKafkaConsumer(PARTITIONS, random);
        }

        void run() {
            newConsumer("start");
            for (int cycle = 0; cycle < CYCLES; cycle++) {
                for (int step = 0; step < STORM_STEPS; step++) {
                    produce();
                    injectOrHeal();
                    step();
                }
                calm();
            }
            healAll(); // and nothing more produced: everything stored, committed, and lag 0
            long healed = now;
            while (!(allStoredAndCommitted() && metrics.lag.get() == 0)) {
                assertTrue(
                        now - healed <= LIVENESS_BOUND.toNanos(),
                        () -> failure("not everything stored and committed within " + LIVENESS_BOUND.toSeconds()
                                + " s of the last heal"));
                step();
            }
        }

        private void step() {
            pollOnce();
            now += random.nextInt(3) * SECOND / 2;
            checkSafety();
            checkLiveness();
        }

        /** Every fault healed, events still arriving: the liveness check must come due and hold. */
        private void calm() {
            healAll();
            int checked = livenessChecks;
            long healed = now;
            while (now - healed <= LIVENESS_BOUND.toNanos() + SECOND) {
                produce();
                step();
            }
            assertTrue(livenessChecks > checked, () -> failure("the calm ended before its liveness check"));
        }

        private void produce() {
            int count = random.nextInt(5) == 0 ? random.nextInt(150) : random.nextInt(20);
            for (int i = 0; i < count; i++) {
                TopicPartition partition = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
                kafka.append(partition, random.nextInt(500) == 0 ? poison() : event(produced++));
            }
        }

        private byte[] poison() {
            return "{not json".getBytes(StandardCharsets.UTF_8);
        }

        private byte[] event(int i) {
            return codec.encode(ClickEvent.of(
                    new UUID(seed, i),
                    EventType.PAGE_VIEW,
                    "user_" + (i % 50),
                    "prod_" + i,
                    new BigDecimal("9.99"),
                    Instant.parse("2026-11-25T12:00:00Z").plusMillis(i)));
        }

        private void injectOrHeal() {
            switch (random.nextInt(70)) {
                case 0 ->
                    set("ClickHouse down", () -> {
                        clickHouseDown = true;
                        clickHouse.failNext(Integer.MAX_VALUE, WriteException.Kind.RETRIABLE, false);
                    });
                case 1, 2 -> set("ClickHouse back", this::clickHouseBack);
                case 3 -> {
                    if (!clickHouseDown) {
                        set(
                                "an insert stored, its answer lost",
                                () -> clickHouse.failNext(1, WriteException.Kind.RETRIABLE, true));
                    }
                }
                case 4 -> {
                    if (!clickHouseDown && !held) {
                        set("the next insert held by the server", clickHouse::holdNext);
                        held = true;
                    }
                }
                case 5, 6 -> landHeld();
                case 7 -> set("broker away", () -> kafka.brokerAway = true);
                case 8, 9 -> set("broker back", () -> kafka.brokerAway = false);
                case 10 -> set("member fenced", () -> kafka.fenced = true);
                case 11 -> unfence();
                case 12 -> revoke();
                case 13, 14 -> giveBack();
                case 15 -> newConsumer("kill -9");
                case 16 -> terminate();
                case 18, 19, 20, 21 -> {
                    if (clickHouseDown) {
                        terminate(); // a deploy during an outage: retries and intents in flight
                    }
                }
                case 17 -> set("loop starved past its session", () -> now += 50 * SECOND);
                default -> {}
            }
        }

        private void set(String what, Runnable fault) {
            story.add(now / SECOND + "s " + what);
            quietSince = -1; // a fault, a heal or a restart: quiet, if at all, from the next step on
            fault.run();
        }

        private boolean faultActive() {
            return clickHouseDown || kafka.brokerAway || kafka.fenced || !elsewhere.isEmpty();
        }

        /**
         * Liveness after each heal: once no fault has been active for {@link #LIVENESS_BOUND}, every
         * record produced before that stretch began is stored and committed.
         */
        private void checkLiveness() {
            if (faultActive()) {
                quietSince = -1;
            } else if (quietSince < 0) {
                quietSince = now;
                for (TopicPartition partition : PARTITIONS) {
                    endsWhenQuiet[partition.partition()] = kafka.end(partition);
                }
            } else if (now - quietSince >= LIVENESS_BOUND.toNanos()) {
                livenessChecks++;
                for (TopicPartition partition : PARTITIONS) {
                    OffsetAndMetadata committed = kafka.groupCommitted(partition);
                    long upTo = committed == null ? 0 : committed.offset();
                    long expected = endsWhenQuiet[partition.partition()];
                    assertTrue(
                            upTo >= expected,
                            () -> failure(partition + " committed only up to " + upTo + " " + LIVENESS_BOUND.toSeconds()
                                    + " s after the last fault was healed; its records up to " + expected
                                    + " were there then"));
                }
            }
        }

        private void clickHouseBack() {
            clickHouseDown = false;
            clickHouse.failNext(0, WriteException.Kind.RETRIABLE, false);
        }

        private void landHeld() {
            if (held && clickHouse.holdsAnInsert()) {
                set("the held insert lands", clickHouse::landHeld);
                held = false;
            }
        }

        /** The session expired: the group refuses this member's commits until it has rejoined. */
        private void unfence() {
            if (kafka.fenced) {
                set("fenced member loses its partitions and rejoins", () -> {
                    loop.onPartitionsLost(new ArrayList<>(kafka.assignment()));
                    kafka.fenced = false;
                    reassign(assigned());
                });
            }
        }

        private void revoke() {
            if (elsewhere.isEmpty()) {
                TopicPartition partition = PARTITIONS.get(random.nextInt(PARTITIONS.size()));
                set("revoked " + partition, () -> {
                    elsewhere = Set.of(partition);
                    reassign(assigned());
                });
            }
        }

        private void giveBack() {
            if (!elsewhere.isEmpty()) {
                set("given back " + elsewhere, () -> {
                    elsewhere = Set.of();
                    reassign(assigned());
                });
            }
        }

        private List<TopicPartition> assigned() {
            return PARTITIONS.stream().filter(p -> !elsewhere.contains(p)).toList();
        }

        /** An eager rebalance: everything revoked (the loop flushes what it can), then assigned. */
        private void reassign(List<TopicPartition> partitions) {
            try {
                kafka.rebalance(List.of());
            } catch (WakeupException e) {
                story.add("woken in the revocation");
            }
            kafka.rebalance(partitions);
        }

        /** SIGTERM: the wakeup interrupts one of the next Kafka calls; the loop drains, closes, and a new one starts. */
        private void terminate() {
            if (random.nextBoolean()) {
                set("SIGTERM while the next commit is on its way", kafka::wakeUpAtNextCommit);
            } else {
                int nth = 1 + random.nextInt(4);
                set("SIGTERM, waking Kafka call " + nth + " from now", () -> kafka.wakeUpAt(nth));
            }
            try {
                for (int i = 0; i < 20 && kafka.wakeupPending(); i++) {
                    now += random.nextInt(3) * SECOND; // a retry or a block falls due meanwhile
                    loop.pollOnce();
                }
            } catch (WakeupException e) {
                story.add("woken");
            } catch (FatalIngestException e) {
                throw new AssertionError(failure("fatal: " + e.getMessage()), e);
            }
            kafka.wakeUpAt(0);
            loop.drain(Duration.ZERO);
            newConsumer("restart after SIGTERM"); // closing revoked the partitions without a flush
        }

        private void newConsumer(String why) {
            story.add(now / SECOND + "s new consumer (" + why + ")");
            kafka.fenced = false; // a new member of the group
            metrics = new IngestMetrics();
            loop = new IngestLoop(
                    kafka,
                    TOPIC,
                    topic -> TOPIC_ID,
                    clickHouse,
                    deadLetters,
                    codec,
                    new BlockBuffers(BLOCK_ROWS, BATCH_WAIT, () -> now),
                    new Backoff(MAX_BACKOFF),
                    metrics,
                    () -> now,
                    Duration.ofDays(1),
                    new CatchUpPolicy(BLOCK_ROWS, 5 * BLOCK_ROWS, () -> now, message -> {}),
                    Runnable::run);
            loop.subscribe(); // the old loop gets no callback: dead, or closed
            reassign(assigned());
        }

        private void healAll() {
            story.add(now / SECOND + "s every fault healed");
            clickHouseBack();
            landHeld();
            kafka.brokerAway = false;
            unfence();
            giveBack();
        }

        private void pollOnce() {
            try {
                loop.pollOnce();
            } catch (FatalIngestException e) {
                throw new AssertionError(failure("fatal: " + e.getMessage()), e);
            }
            checkReportedLag();
        }

        /** Below the committed offset, every record is stored or dead-lettered; nothing is stored twice. */
        private void checkSafety() {
            for (TopicPartition partition : PARTITIONS) {
                OffsetAndMetadata committed = kafka.groupCommitted(partition);
                long upTo = committed == null ? 0 : committed.offset();
                long missing = firstNotStored(partition, upTo);
                assertEquals(
                        -1,
                        missing,
                        failure("committed " + upTo + " on " + partition + " past offset " + missing
                                + ", which is neither stored nor dead-lettered"));
            }
            assertTrue(
                    clickHouse.duplicates.isEmpty(),
                    () -> failure(clickHouse.duplicates.size() + " rows stored twice, the first "
                            + clickHouse.duplicates.get(0)));
        }

        private void checkReportedLag() {
            if (metrics.lag.get() != 0) {
                return;
            }
            for (TopicPartition partition : kafka.assignment()) {
                long missing = firstNotStored(partition, kafka.end(partition));
                assertEquals(
                        -1,
                        missing,
                        failure("lag 0 reported while offset " + missing + " of " + partition + " is not stored"));
            }
        }

        private boolean allStoredAndCommitted() {
            for (TopicPartition partition : PARTITIONS) {
                OffsetAndMetadata committed = kafka.groupCommitted(partition);
                if (committed == null || committed.offset() != kafka.end(partition)) {
                    return false;
                }
            }
            return true;
        }

        /**
         * The first offset below {@code end} neither stored nor dead-lettered; -1 if none. Stored rows
         * and dead letters are never taken back, so each partition is scanned from where the last
         * scan found everything stored.
         */
        private long firstNotStored(TopicPartition partition, long end) {
            for (; dead < deadLetters.letters.size(); dead++) {
                DeadLetter letter = deadLetters.letters.get(dead);
                deadLettered.add(letter.sourcePartition() + "@" + letter.sourceOffset());
            }
            long offset = allStoredBelow[partition.partition()];
            for (; offset < end; offset++) {
                if (!deadLettered.contains(partition.partition() + "@" + offset)
                        && !clickHouse.stored.containsKey(
                                InMemoryEventWriter.key(TOPIC_ID, partition.partition(), offset))) {
                    return offset;
                }
                allStoredBelow[partition.partition()] = offset + 1;
            }
            return -1;
        }

        private String failure(String what) {
            List<String> last = story.subList(Math.max(0, story.size() - 40), story.size());
            return "seed " + seed + ": " + what + "\nlast faults:\n  " + String.join("\n  ", last)
                    + "\nrerun: -Dfaultrun.seed=" + seed + " -Dfaultrun.seeds=1";
        }
    }
}
