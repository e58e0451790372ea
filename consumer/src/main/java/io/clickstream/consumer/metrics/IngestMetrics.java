package io.clickstream.consumer.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Counters and gauges of the ingest loop, read by /metrics and /health from another thread. */
public final class IngestMetrics {
    public final LongAdder consumed = new LongAdder();
    public final LongAdder inserted = new LongAdder();
    public final LongAdder batches = new LongAdder();
    public final LongAdder deadLettered = new LongAdder();
    public final LongAdder duplicatesSkipped = new LongAdder();
    public final LongAdder erasedSkipped = new LongAdder();
    public final LongAdder insertFailures = new LongAdder();
    public final LongAdder commits = new LongAdder();
    public final AtomicLong lastInsertMillis = new AtomicLong();
    public final AtomicLong buffered = new AtomicLong();
    public final AtomicLong lag = new AtomicLong();
    /** 1 while inserts succeed, 0 while ClickHouse is failing. */
    public final AtomicLong clickHouseUp = new AtomicLong(1);
    /** Wall-clock millis of the last poll: a stuck loop is unhealthy. */
    public final AtomicLong lastPollAt = new AtomicLong(System.currentTimeMillis());

    /** Prometheus text exposition format. */
    public String prometheus() {
        StringBuilder out = new StringBuilder();
        counter(out, "clickstream_consumer_records_consumed_total", "Kafka records polled", consumed.sum());
        counter(out, "clickstream_consumer_rows_inserted_total", "rows inserted into ClickHouse", inserted.sum());
        counter(out, "clickstream_consumer_batches_total", "successful batch inserts", batches.sum());
        counter(
                out,
                "clickstream_consumer_dead_letters_total",
                "records sent to the dead-letter topic",
                deadLettered.sum());
        counter(
                out,
                "clickstream_consumer_duplicates_skipped_total",
                "records skipped because ClickHouse already stored them",
                duplicatesSkipped.sum());
        counter(
                out,
                "clickstream_consumer_erased_records_skipped_total",
                "records of erased customers from before their erasure, not stored again",
                erasedSkipped.sum());
        counter(out, "clickstream_consumer_insert_failures_total", "failed insert attempts", insertFailures.sum());
        counter(out, "clickstream_consumer_commits_total", "offset commits", commits.sum());
        gauge(
                out,
                "clickstream_consumer_last_insert_milliseconds",
                "duration of the last insert",
                lastInsertMillis.get());
        gauge(out, "clickstream_consumer_buffered_rows", "rows waiting for the next flush", buffered.get());
        gauge(
                out,
                "clickstream_consumer_lag_records",
                "records of the assigned partitions not stored yet: behind their end in Kafka, or fetched and in memory",
                lag.get());
        gauge(out, "clickstream_consumer_clickhouse_up", "1 while inserts succeed", clickHouseUp.get());
        // The process, in the names Prometheus' JVM clients use, for CPU per event and heap in benchmarks.
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean process) {
            out.append("# HELP process_cpu_seconds_total CPU time used by the consumer process\n")
                    .append("# TYPE process_cpu_seconds_total counter\n")
                    .append("process_cpu_seconds_total ")
                    .append(process.getProcessCpuTime() / 1e9)
                    .append('\n');
        }
        gauge(
                out,
                "jvm_memory_heap_used_bytes",
                "heap in use",
                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "counter", value);
    }

    private static void gauge(StringBuilder out, String name, String help, long value) {
        metric(out, name, help, "gauge", value);
    }

    /** One metric in Prometheus' text format: HELP, TYPE, then the value. */
    private static void metric(StringBuilder out, String name, String help, String type, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
        out.append(name).append(' ').append(value).append('\n');
    }
}
