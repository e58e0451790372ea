package io.clickstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.apache.kafka.common.utils.AppInfoParser;

/** BENCHMARKS.md: machine, command, date, the scenario table and the reference comparison. */
final class Report {
    private Report() {
    }

    static String markdown(List<BenchmarkMain.Result> results, List<String[]> comparison, Instant started, boolean quick,
                           String clickHouseVersion) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Produced by `scripts/bench.sh").append(quick ? " --quick" : "").append("` on ")
                .append(started.truncatedTo(ChronoUnit.SECONDS)).append(" (UTC); rerun it to reproduce.")
                .append(quick ? " **Quick run: shortened scenarios, for trying the harness, not for numbers.**" : "")
                .append("\n\n");
        md.append("## Machine and services\n\n");
        md.append("- ").append(machine()).append('\n');
        md.append("- Java ").append(System.getProperty("java.version")).append(" (").append(System.getProperty("java.vm.name")).append(")\n");
        md.append("- Kafka ").append(AppInfoParser.getVersion()).append(": one KRaft broker in the benchmark's JVM, 3 partitions\n");
        md.append("- ClickHouse ").append(clickHouseVersion).append(": the local chDB engine behind clickhouse/chdb_http_server.py"
                + " (one query at a time, Python HTTP front), not a ClickHouse server\n");
        md.append("- Producer, consumer (and the reference consumer) run as their own JVMs; everything shares the same cores.\n\n");
        md.append("## Scenarios\n\n");
        md.append("Throughput: rows stored per second after the warm-up, until the last row is stored. Latency (ms):"
                + " `ingested_at − timestamp` of every event stored after the warm-up (p50 / p95 / p99 / max), and the"
                + " direct probe: one event at a time sent to Kafka and polled for with a `SELECT` every 25 ms (p50 / p95 /"
                + " p99 / max, and the number of probes). CPU: consumer process CPU time per stored event. Heap: the"
                + " consumer's largest sampled heap in use. Lost/duplicated: acknowledged by Kafka vs distinct event ids"
                + " stored, and rows minus distinct ids. Inserts: batches the consumer inserted; parts: active parts of"
                + " `events` at the end (many tiny inserts make many parts).\n\n");
        md.append("| scenario | events/s stored | ingest latency ms p50/p95/p99/max | probe ms p50/p95/p99/max (n) | CPU µs/event"
                + " | max heap MB | lost / duplicated | inserts | active parts |\n");
        md.append("|---|---:|---|---|---:|---:|---|---:|---:|\n");
        for (BenchmarkMain.Result r : results) {
            md.append(r.row()).append('\n');
        }
        md.append("\n## Against a plain consumer, same backlog, same run\n\n");
        md.append("| consumer | rows/s draining the backlog | ratio to reference | seconds | duplicated |\n|---|---:|---:|---:|---:|\n");
        for (String[] row : comparison) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.append('\n');
        return md.toString();
    }

    private static String machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown CPU");
            String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> l.replaceAll("\\D", "")).map(kb -> Long.parseLong(kb) / 1_048_576 + " GiB")
                    .orElse("? GiB");
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + " memory, "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version");
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors() + " cores";
        }
    }
}
