package io.clickstream.collector.http;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counters of the collector, read by /metrics and the progress line. */
public final class CollectorMetrics {
    public final LongAdder accepted = new LongAdder();
    public final LongAdder rejected = new LongAdder();
    public final LongAdder notAcknowledged = new LongAdder();
    private final Map<Integer, LongAdder> responses = new ConcurrentHashMap<>();

    void answered(int status) {
        responses.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    public long responses(int status) {
        LongAdder count = responses.get(status);
        return count == null ? 0 : count.sum();
    }

    /** Prometheus text exposition format. */
    public String prometheus() {
        StringBuilder out = new StringBuilder();
        counter(out, "clickstream_collector_events_accepted_total", "events acknowledged by Kafka", accepted.sum());
        counter(out, "clickstream_collector_events_rejected_total", "events refused as invalid", rejected.sum());
        counter(
                out,
                "clickstream_collector_events_not_acknowledged_total",
                "valid events answered 503 because Kafka did not acknowledge them in time",
                notAcknowledged.sum());
        out.append("# HELP clickstream_collector_responses_total HTTP answers to POST /v1/events by status\n")
                .append("# TYPE clickstream_collector_responses_total counter\n");
        responses.entrySet().stream()
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> out.append("clickstream_collector_responses_total{status=\"")
                        .append(e.getKey())
                        .append("\"} ")
                        .append(e.getValue().sum())
                        .append('\n'));
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        out.append(name).append(' ').append(value).append('\n');
    }
}
