package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

/**
 * Injects faults at random (from a seed) into a running pipeline, overlapping as they come, and
 * heals each after a random time: the driver of {@link ChaosIT}. Single-threaded: faults and
 * heals happen on the test's thread, in one loop, so the schedule itself has no races.
 */
final class ChaosSchedule implements AutoCloseable {
    /** What can go wrong, with how often it is drawn (weights). */
    enum Fault {
        /**
         * Insert answers cut after ClickHouse stored the insert (a reset, a load balancer). Like the
         * other proxy faults, armed only once the ones armed before have happened: armed faster
         * than the consumers insert, they would cut every answer, which no network does for long.
         */
        CUT_ANSWERS(3),
        /** An answer held past the client's timeout, then dropped (a hung server). */
        HELD_ANSWER(2),
        /** An insert held before the server sees it and sent on seconds later (a table lock). */
        SLOW_FIRST_ATTEMPT(2),
        /** A consumer frozen (SIGSTOP) for up to a minute, past its session sometimes. */
        FREEZE_CONSUMER(2),
        /** A consumer killed (SIGKILL) and a new one started. */
        KILL_CONSUMER(2),
        /** ClickHouse killed (SIGKILL) and started again with its data. */
        KILL_CLICKHOUSE(1),
        /** ClickHouse stopped for up to 20 s. */
        CLICKHOUSE_DOWN(1),
        /** The broker frozen (SIGSTOP) for up to 75 s: longer than the clients' API timeout sometimes. */
        FREEZE_BROKER(1),
        /** A consumer joins the group. */
        JOIN(1),
        /** A consumer leaves the group (SIGTERM). */
        LEAVE(1),
        /** Another writer stores 1,000 events spread over 200 days in one insert. */
        HISTORY_WRITER(2),
        /** Two busy processes take both cores for 5 to 30 s (other work on the machine, a noisy neighbour). */
        STARVE_CPU(2),
        /**
         * A consumer stopped and continued (SIGSTOP, SIGCONT) in spans of 0.1 to 0.5 s for 5 to 20 s:
         * a throttled container, GC pauses; its calls to Kafka and ClickHouse land at odd moments.
         */
        STUTTER_CONSUMER(2);

        final int weight;

        Fault(int weight) {
            this.weight = weight;
        }
    }

    /**
     * The consumers' ClickHouse timeout. Not shorter: the local engine runs one query at a time, and
     * on two busy cores a large block can take seconds; a timeout under the service time turns
     * every insert into a retry that queues behind the last one (a retry storm, not a fault).
     */
    private static final Duration CLICKHOUSE_TIMEOUT = Duration.ofSeconds(6);

    /** Kafka's default session timeout (the consumers keep it): a killed consumer's partitions wait that long. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

    private static final int MIN_CONSUMERS = 1;
    private static final int MAX_CONSUMERS = 3;

    private final Random random;
    private final KafkaService kafka;
    private final ClickHouseService ch;
    private final FaultProxy proxy;
    private final JavaProcess broker;
    private final String topic;
    private final String database;
    private final Path dir;
    private final List<Member> members = new ArrayList<>();
    private final List<Heal> heals = new ArrayList<>();
    private final Map<Fault, Integer> injected = new EnumMap<>(Fault.class);
    private final List<String> unexpectedExits = new ArrayList<>();
    private final StallWatch stalls;
    private int started;
    private int historyInserts;
    private boolean brokerFrozen;
    private boolean requestsDelayed;
    private boolean clickHouseDown;
    /** The busy loops of {@link Fault#STARVE_CPU}, while it lasts. */
    private final List<Process> busyLoops = new ArrayList<>();
    /** Until when a killed consumer's partitions wait for its session to expire. */
    private long sessionsExpireAt;

    /** A consumer process and whether the schedule has it frozen (or stuttering, until when). */
    private static final class Member {
        final String name;
        final ConsumerProcess process;
        boolean frozen;
        long stutterUntil;
        boolean stutterStopped;

        Member(String name, ConsumerProcess process) {
            this.name = name;
            this.process = process;
        }
    }

    /** Undoes a fault at {@code dueNanos}. */
    private record Heal(long dueNanos, String what, Action action) {}

    @FunctionalInterface
    private interface Action {
        void run() throws Exception;
    }

    ChaosSchedule(
            long seed,
            KafkaService kafka,
            ClickHouseService ch,
            FaultProxy proxy,
            JavaProcess broker,
            String topic,
            int partitions,
            Path dir) {
        this.random = new Random(seed);
        this.kafka = kafka;
        this.ch = ch;
        this.proxy = proxy;
        this.broker = broker;
        this.topic = topic;
        this.database = ConsumerIT.databaseFor(topic);
        this.dir = dir;
        this.stalls = new StallWatch(ch, database, topic, partitions); // made with the schedule: the same time origin
    }

    private final long origin = System.nanoTime();

    /** Log lines carry the seconds since the schedule was made, as the stall report does. */
    private void log(String message) {
        System.out.printf("[ChaosIT] %6.1f s  %s%n", (System.nanoTime() - origin) / 1e9, message);
    }

    /** Starts the first consumers and waits until one has created the schema (faults need the tables). */
    void startConsumers(int count) throws IOException, InterruptedException {
        for (int i = 0; i < count; i++) {
            startConsumer();
        }
        io.clickstream.testsupport.Await.untilTrue(
                "the schema created",
                io.clickstream.testsupport.Await.HANG,
                () -> ch.queryLong("SELECT count() FROM system.tables WHERE database = '" + database
                                + "' AND name = 'events'")
                        == 1,
                this::consumerLogs);
        stalls.start();
    }

    private void startConsumer() throws IOException {
        String name = "consumer-" + ++started;
        Path home = Files.createDirectories(dir.resolve(name));
        ConsumerProcess process = ExactlyOnceIT.consumerThrough(
                proxy,
                kafka,
                ch,
                topic,
                home,
                "--clickhouse-timeout",
                CLICKHOUSE_TIMEOUT.toSeconds() + "s",
                "--max-retry-backoff",
                "5s");
        members.add(new Member(name, process));
        log("started " + name);
    }

    /** Injects faults for {@code duration}, a random 2 to 8 s apart, healing each when it is due. */
    void run(Duration duration) throws Exception {
        long end = System.nanoTime() + duration.toNanos();
        long nextFault = System.nanoTime();
        while (System.nanoTime() < end) {
            healDue(false);
            checkExits();
            if (System.nanoTime() >= nextFault) {
                inject(draw());
                nextFault = System.nanoTime() + millis(2_000, 8_000) * 1_000_000L;
            }
            stutter();
            watchLiveness();
            Thread.sleep(100);
        }
    }

    /**
     * Liveness is measured (by {@link StallWatch}) whenever no fault that stops partitions for a
     * while, by design, is active: ClickHouse down, the broker or a consumer frozen, an insert
     * request delayed, a killed consumer's session not yet expired. Starved cores, stuttering
     * consumers, cut or held answers, joins and leaves do not excuse a partition that stops.
     */
    private void watchLiveness() {
        boolean stopping = clickHouseDown
                || brokerFrozen
                || requestsDelayed
                || System.nanoTime() < sessionsExpireAt
                || members.stream().anyMatch(m -> m.frozen);
        if (stopping) {
            stalls.faultActive();
        } else if (!stalls.measuring()) {
            stalls.faultsHealed();
        }
    }

    /** Stuttering consumers: each 100 ms, stopped or continued at random, until their span ends. */
    private void stutter() throws IOException, InterruptedException {
        for (Member member : members) {
            if (member.stutterUntil == 0) {
                continue;
            }
            boolean stop = System.nanoTime() < member.stutterUntil && !member.stutterStopped && random.nextBoolean();
            if (member.stutterStopped) {
                member.process.resume();
                member.stutterStopped = false;
            } else if (stop) {
                member.process.suspend();
                member.stutterStopped = true;
            }
            if (System.nanoTime() >= member.stutterUntil && !member.stutterStopped) {
                member.stutterUntil = 0;
            }
        }
    }

    private Fault draw() {
        int total = 0;
        for (Fault fault : Fault.values()) {
            total += fault.weight;
        }
        int pick = random.nextInt(total);
        for (Fault fault : Fault.values()) {
            pick -= fault.weight;
            if (pick < 0) {
                return fault;
            }
        }
        throw new IllegalStateException("weights");
    }

    private long millis(long from, long to) {
        return from + (long) (random.nextDouble() * (to - from));
    }

    private void inject(Fault fault) throws Exception {
        boolean done = switch (fault) {
            case CUT_ANSWERS -> {
                if (proxy.faultsArmed() > 0) {
                    yield false; // the faults armed before have not happened yet
                }
                int cuts = 1 + random.nextInt(3);
                proxy.cutInsertAnswers(cuts);
                log("cut the next " + cuts + " insert answers");
                yield true;
            }
            case HELD_ANSWER -> {
                if (proxy.faultsArmed() > 0) {
                    yield false;
                }
                proxy.holdInsertAnswers(1, CLICKHOUSE_TIMEOUT.multipliedBy(2));
                log("hold the next insert answer past the client's timeout");
                yield true;
            }
            case SLOW_FIRST_ATTEMPT -> {
                if (requestsDelayed || proxy.faultsArmed() > 0) {
                    yield false;
                }
                requestsDelayed = true;
                proxy.delayInsertRequests(1);
                long after = millis(4_000, 20_000);
                heal(after, "send the delayed insert on", () -> {
                    proxy.releaseDelayedInserts();
                    requestsDelayed = false;
                });
                log("delay the next insert request by " + after + " ms");
                yield true;
            }
            case FREEZE_CONSUMER -> {
                Member member = pick(m -> !m.frozen && m.stutterUntil == 0);
                if (member == null) {
                    yield false;
                }
                member.process.suspend();
                member.frozen = true;
                long after = millis(3_000, 60_000);
                heal(after, "resume " + member.name, () -> thaw(member));
                log("froze " + member.name + " for " + after + " ms");
                yield true;
            }
            case KILL_CONSUMER -> {
                Member member = members.size() > MIN_CONSUMERS ? pick(m -> true) : null;
                if (member == null) {
                    yield false;
                }
                members.remove(member);
                member.process.kill();
                sessionsExpireAt =
                        System.nanoTime() + SESSION_TIMEOUT.plusSeconds(5).toNanos();
                log("killed " + member.name);
                heal(millis(1_000, 5_000), "restart a consumer", () -> {
                    if (members.size() < 2) {
                        startConsumer();
                    }
                });
                yield true;
            }
            case KILL_CLICKHOUSE -> {
                if (clickHouseDown) {
                    yield false;
                }
                stalls.faultActive();
                ch.crash();
                log("killed ClickHouse (SIGKILL) and started it again");
                yield true;
            }
            case CLICKHOUSE_DOWN -> {
                if (clickHouseDown) {
                    yield false;
                }
                clickHouseDown = true;
                stalls.faultActive();
                ch.stop();
                long after = millis(2_000, 20_000);
                heal(after, "start ClickHouse", this::startClickHouse);
                log("stopped ClickHouse for " + after + " ms");
                yield true;
            }
            case FREEZE_BROKER -> {
                if (brokerFrozen) {
                    yield false;
                }
                broker.suspend();
                brokerFrozen = true;
                long after = millis(5_000, 75_000);
                heal(after, "resume the broker", this::thawBroker);
                log("froze the broker for " + after + " ms");
                yield true;
            }
            case JOIN -> {
                if (members.size() >= MAX_CONSUMERS) {
                    yield false;
                }
                startConsumer();
                yield true;
            }
            case LEAVE -> {
                Member member = members.size() > MIN_CONSUMERS ? pick(m -> !m.frozen) : null;
                if (member == null) {
                    yield false;
                }
                members.remove(member);
                int exit = member.process.terminate();
                log(member.name + " left the group (SIGTERM, exit " + exit + ")");
                if (exit != ConsumerProcess.SIGTERM_EXIT) {
                    unexpected(member, exit);
                }
                yield true;
            }
            case HISTORY_WRITER -> !clickHouseDown && writeHistory();
            case STARVE_CPU -> {
                if (!busyLoops.isEmpty()) {
                    yield false;
                }
                for (int i = 0; i < 2; i++) {
                    busyLoops.add(new ProcessBuilder("sh", "-c", "while :; do :; done")
                            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                            .redirectError(ProcessBuilder.Redirect.DISCARD)
                            .start());
                }
                long after = millis(5_000, 30_000);
                heal(after, "stop the busy loops", this::stopBusyLoops);
                log("two busy loops take the cores for " + after + " ms");
                yield true;
            }
            case STUTTER_CONSUMER -> {
                Member member = pick(m -> !m.frozen && m.stutterUntil == 0);
                if (member == null) {
                    yield false;
                }
                long span = millis(5_000, 20_000);
                member.stutterUntil = System.nanoTime() + span * 1_000_000L;
                log(member.name + " stutters (stopped and continued at random) for " + span + " ms");
                yield true;
            }
        };
        if (done) {
            injected.merge(fault, 1, Integer::sum);
        }
    }

    private Member pick(java.util.function.Predicate<Member> eligible) {
        List<Member> candidates = members.stream().filter(eligible).toList();
        return candidates.isEmpty() ? null : candidates.get(random.nextInt(candidates.size()));
    }

    private void heal(long afterMillis, String what, Action action) {
        heals.add(new Heal(System.nanoTime() + afterMillis * 1_000_000L, what, action));
    }

    private void healDue(boolean all) throws Exception {
        for (Iterator<Heal> it = heals.iterator(); it.hasNext(); ) {
            Heal heal = it.next();
            if (all || System.nanoTime() >= heal.dueNanos()) {
                it.remove();
                heal.action().run();
                log(heal.what());
            }
        }
    }

    private void thaw(Member member) throws Exception {
        if (members.contains(member) && member.frozen) {
            member.process.resume();
            member.frozen = false;
        }
    }

    private void thawBroker() throws Exception {
        broker.resume();
        brokerFrozen = false;
    }

    private void startClickHouse() {
        ch.start();
        clickHouseDown = false;
    }

    private void stopBusyLoops() throws InterruptedException {
        for (Process loop : busyLoops) {
            loop.destroyForcibly().waitFor();
        }
        busyLoops.clear();
    }

    /** 1,000 events over 200 days, as one insert of another writer (not through the consumers' proxy). */
    private boolean writeHistory() {
        long first = (long) historyInserts * 1_000;
        try {
            HistoryWriter.insert(ch, database, first);
        } catch (RuntimeException e) {
            log("the other writer's insert failed ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
            return false; // ClickHouse restarting: not a fault injected
        }
        historyInserts++;
        log("another writer stored 1,000 events over 200 days");
        return true;
    }

    /** A consumer that exited without being told to is a failure of the run; a new one takes its place. */
    private void checkExits() throws IOException {
        for (Iterator<Member> it = members.iterator(); it.hasNext(); ) {
            Member member = it.next();
            if (!member.process.isAlive()) {
                it.remove();
                unexpected(member, member.process.exitValue());
            }
        }
        if (members.isEmpty()) {
            startConsumer();
        }
    }

    private void unexpected(Member member, int exit) {
        String tail = member.process
                .output()
                .lines()
                .skip(Math.max(0, member.process.output().lines().count() - 40))
                .collect(Collectors.joining("\n"));
        unexpectedExits.add(member.name + " exited " + exit + ":\n" + tail);
        log(member.name + " EXITED " + exit);
    }

    /** Ends every fault at once (and any that comes due), and brings the group back to two consumers. */
    void healAll() throws Exception {
        healDue(true);
        for (Member member : members) {
            member.stutterUntil = 1; // ends at the next turn, continued if stopped
        }
        stutter();
        proxy.releaseDelayedInserts();
        if (clickHouseDown) {
            startClickHouse();
        }
        checkExits();
        while (members.size() < 2) {
            startConsumer();
        }
        stalls.stop();
        log("healed; faults injected: " + injected);
    }

    List<String> unexpectedExits() {
        return unexpectedExits;
    }

    /** Heals after which some partition did not store again within {@link StallWatch#LIVENESS_BOUND}. */
    List<String> livenessViolations() {
        return stalls.violations();
    }

    int faultsInjected() {
        return injected.values().stream().mapToInt(Integer::intValue).sum();
    }

    private String recovery = "";

    /** Records how long the pipeline took, after every fault was healed, to store everything acknowledged. */
    void recovered(Duration sinceHeal) {
        recovery =
                String.format("stored everything %.1f s after the last fault was healed", sinceHeal.toMillis() / 1e3);
    }

    String report(long acknowledged, long rows, long events) {
        return String.format(
                "faults injected %s (%d in all); consumers started %d; events acknowledged %,d, stored rows %,d,"
                        + " distinct events %,d: lost %,d, duplicates %,d; longest stall %s; %s; %s",
                injected,
                faultsInjected(),
                started,
                acknowledged,
                rows,
                events,
                acknowledged - events,
                rows - events,
                stalls.longest(),
                stalls.recoveries(),
                recovery);
    }

    /** The end of every consumer's log, for a failure's message. */
    String consumerLogs() {
        StringBuilder logs = new StringBuilder();
        for (Member member : members) {
            List<String> lines = member.process.output().lines().toList();
            logs.append("--- ").append(member.name).append('\n');
            lines.subList(Math.max(0, lines.size() - 30), lines.size())
                    .forEach(l -> logs.append(l).append('\n'));
        }
        return logs.toString();
    }

    void stopConsumers() throws InterruptedException {
        for (Member member : new ArrayList<>(members)) {
            members.remove(member);
            int exit = member.process.terminate();
            if (exit != ConsumerProcess.SIGTERM_EXIT) {
                unexpected(member, exit);
            }
        }
    }

    @Override
    public void close() throws Exception {
        stalls.stop();
        stopBusyLoops();
        if (brokerFrozen) {
            thawBroker();
        }
        if (clickHouseDown) {
            startClickHouse();
        }
        for (Member member : members) {
            member.process.close();
        }
    }
}
