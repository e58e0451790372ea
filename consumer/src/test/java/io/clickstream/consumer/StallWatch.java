package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Measures the longest stretch without a new stored row of a topic while a run goes on (the
 * producer sends all the time, so every such stretch is a stall): sampled once a second on a
 * thread of its own. A sample ClickHouse does not answer counts as no progress. Also measures
 * liveness after ClickHouse outages: from ClickHouse answering again ({@link #clickHouseBack()})
 * to every partition having stored a record it had not stored then.
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
    private int abandoned;

    private record Baseline(long atNanos, Map<Long, Long> stored) {}

    StallWatch(ClickHouseService ch, String database, String topic, int partitions) {
        this.ch = ch;
        this.query = "SELECT count() FROM " + database + ".events WHERE kafka_topic = '" + topic + "'";
        this.perPartition = "SELECT kafka_partition, max(kafka_offset) FROM " + database
                + ".events WHERE kafka_topic = '" + topic + "' GROUP BY kafka_partition";
        this.partitions = partitions;
    }

    /** ClickHouse answers again (called right after it does): starts measuring until every partition stores. */
    void clickHouseBack() {
        try {
            back = new Baseline(System.nanoTime(), storedPerPartition());
        } catch (RuntimeException e) {
            back = null; // not answering after all: nothing to measure from
        }
    }

    /** ClickHouse goes away again: a measurement not finished by then is abandoned (counted, not timed). */
    void clickHouseGone() {
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
        if (baseline.stored().entrySet().stream().allMatch(e -> now.get(e.getKey()) > e.getValue())) {
            double seconds = (System.nanoTime() - baseline.atNanos()) / 1e9;
            recoveries.add(seconds);
            back = null;
            System.out.printf(
                    "[ChaosIT] %6.1f s  every partition stored again, %.1f s after ClickHouse answered%n",
                    (System.nanoTime() - origin) / 1e9, seconds);
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
                    "every partition storing again after ClickHouse answered: %d times, longest %.1f s%s",
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
