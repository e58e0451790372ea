package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;

/**
 * Measures the longest stretch without a new stored row of a topic while a run goes on (the
 * producer sends all the time, so every such stretch is a stall): sampled once a second on a
 * thread of its own. A sample ClickHouse does not answer counts as no progress.
 */
final class StallWatch {
    private final ClickHouseService ch;
    private final String query;
    private volatile boolean running;
    private volatile long longestNanos;
    private volatile long longestStartNanos;
    private final long origin = System.nanoTime();
    private Thread thread;

    StallWatch(ClickHouseService ch, String database, String topic) {
        this.ch = ch;
        this.query = "SELECT count() FROM " + database + ".events WHERE kafka_topic = '" + topic + "'";
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

    /** The longest stall: its length and when it began (seconds since the watch was made), as text. */
    String longest() {
        return String.format(
                "%.1f s (from %.0f s to %.0f s)",
                longestNanos / 1e9,
                (longestStartNanos - origin) / 1e9,
                (longestStartNanos + longestNanos - origin) / 1e9);
    }
}
