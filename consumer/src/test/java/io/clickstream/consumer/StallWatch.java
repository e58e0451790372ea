package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Measures the longest stretch without a new stored row of a topic while a run goes on (the
 * producer sends all the time, so every such stretch is a stall): sampled once a second on a
 * thread of its own. A sample ClickHouse does not answer counts as no progress. Also checks
 * liveness after each heal: from the moment no fault that stops a partition is active any more
 * ({@link #faultsHealed()}) to every partition having stored a record it had not stored then,
 * which must take at most {@link #LIVENESS_BOUND}; a later fault cuts the measurement short
 * ({@link #faultActive()}).
 */
final class StallWatch {
    private final ClickHouseService ch;
    private final String query;
    private volatile boolean running;
    private volatile long longestNanos;
    private volatile long longestStartNanos;
    private final long origin = System.nanoTime();
    private Thread thread;
    private final String perPartition;
    private final int partitions;
    /** When ClickHouse answered again and what each partition had stored then; null when none is pending. */
    private volatile Baseline back;

    private final List<Double> recoveries = Collections.synchronizedList(new ArrayList<>());
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private int abandoned;

    /**
     * From a heal to every partition storing again: the consumers' retry backoff cap (5 s) and
     * look-ups' backoff, a rebalance, a block's wait, a drain on busy cores — seconds each; a
     * partition that stopped for good never gets there.
     */
    static final Duration LIVENESS_BOUND = Duration.ofSeconds(90);

    private record Baseline(long atNanos, Map<Long, Long> stored) {}

    StallWatch(ClickHouseService ch, String database, String topic, int partitions) {
        this.ch = ch;
        this.query = "SELECT count() FROM " + database + ".events WHERE kafka_topic = '" + topic + "'";
        this.perPartition = "SELECT kafka_partition, max(kafka_offset) FROM " + database
                + ".events WHERE kafka_topic = '" + topic + "' GROUP BY kafka_partition";
        this.partitions = partitions;
    }

    /** No fault that stops a partition is active any more: measures until every partition stores. */
    void faultsHealed() {
        try {
            back = new Baseline(System.nanoTime(), storedPerPartition());
        } catch (RuntimeException e) {
            back = null; // ClickHouse not answering after all: nothing to measure from
        }
    }

    /** Whether a measurement from a heal is running. */
    boolean measuring() {
        return back != null;
    }

    /** A fault that stops partitions begins: a measurement not finished by then is abandoned (counted, not timed). */
    void faultActive() {
        if (back != null) {
            back = null;
            abandoned++;
        }
    }

    /** The last offset stored per partition (-1 for a partition with none). */
    private Map<Long, Long> storedPerPartition() {
        Map<Long, Long> stored = new HashMap<>();
        for (long p = 0; p < partitions; p++) {
            stored.put(p, -1L);
        }
        for (String line : ch.query(perPartition).split("\n")) {
            String[] fields = line.split("\t");
            if (fields.length == 2) {
                stored.put(Long.parseLong(fields[0]), Long.parseLong(fields[1]));
            }
        }
        return stored;
    }

    private void checkRecovery() {
        Baseline baseline = back;
        if (baseline == null) {
            return;
        }
        Map<Long, Long> now = storedPerPartition();
        double seconds = (System.nanoTime() - baseline.atNanos()) / 1e9;
        if (baseline.stored().entrySet().stream().allMatch(e -> now.get(e.getKey()) > e.getValue())) {
            recoveries.add(seconds);
            back = null;
            System.out.printf(
                    "[ChaosIT] %6.1f s  every partition stored again, %.1f s after the faults were healed%n",
                    (System.nanoTime() - origin) / 1e9, seconds);
        } else if (seconds > LIVENESS_BOUND.toSeconds() && back == baseline) {
            String stuck = baseline.stored().entrySet().stream()
                    .filter(e -> now.get(e.getKey()) <= e.getValue())
                    .map(e -> "partition " + e.getKey() + " (last stored offset " + e.getValue() + ")")
                    .collect(Collectors.joining(", "));
            violations.add(String.format(
                    "%.0f s: %s stored nothing in the %d s after the faults were healed",
                    (baseline.atNanos() - origin) / 1e9, stuck, LIVENESS_BOUND.toSeconds()));
            System.out.println("[ChaosIT] LIVENESS " + violations.get(violations.size() - 1));
            back = null;
        }
    }

    /** Heals after which some partition did not store again within the bound. */
    List<String> violations() {
        synchronized (violations) {
            return List.copyOf(violations);
        }
    }

    void start() {
        running = true;
        thread = new Thread(this::watch, "stall-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void watch() {
        long last = -1;
        long since = System.nanoTime();
        while (running) {
            try {
                long stored = ch.queryLong(query);
                if (stored > last) {
                    last = stored;
                    since = System.nanoTime();
                }
                checkRecovery();
            } catch (RuntimeException e) {
                // ClickHouse down: no progress
            }
            if (System.nanoTime() - since > longestNanos) {
                longestNanos = System.nanoTime() - since;
                longestStartNanos = since;
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join();
        }
    }

    /** From ClickHouse answering again to every partition storing: how often, the longest, and any abandoned. */
    String recoveries() {
        synchronized (recoveries) {
            return String.format(
                    "every partition storing again after the faults were healed: %d times, longest %.1f s%s",
                    recoveries.size(),
                    recoveries.stream().mapToDouble(Double::doubleValue).max().orElse(0),
                    abandoned + (back == null ? 0 : 1) == 0
                            ? ""
                            : " (" + (abandoned + (back == null ? 0 : 1)) + " cut short by the next fault or the end)");
        }
    }

    /** The longest stall: its length and when it began (seconds since the watch was made), as text. */
    String longest() {
        return String.format(
                "%.1f s (from %.0f s to %.0f s)",
                longestNanos / 1e9,
                (longestStartNanos - origin) / 1e9,
                (longestStartNanos + longestNanos - origin) / 1e9);
    }
}
