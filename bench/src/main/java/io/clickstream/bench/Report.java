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
    private Report() {}

    static String markdown(
            List<BenchmarkMain.Result> results,
            List<OutageDrain.Result> drains,
            List<String[]> comparison,
            Instant started,
            boolean quick,
            String clickHouseVersion) {
        StringBuilder md = new StringBuilder();
        md.append("# Benchmarks\n\n");
        md.append("Produced by `scripts/bench.sh")
                .append(quick ? " --quick" : "")
                .append("` on ")
                .append(started.truncatedTo(ChronoUnit.SECONDS))
                .append(" (UTC); rerun it to reproduce.")
                .append(quick ? " **Quick run: shortened scenarios, for trying the harness, not for numbers.**" : "")
                .append("\n\n");
        md.append("## Machine and services\n\n");
        md.append("- ").append(machine()).append('\n');
        md.append("- Java ")
                .append(System.getProperty("java.version"))
                .append(" (")
                .append(System.getProperty("java.vm.name"))
                .append(")\n");
        md.append("- Kafka ")
                .append(AppInfoParser.getVersion())
                .append(": one KRaft broker in the benchmark's JVM, 3 partitions\n");
        md.append("- ClickHouse ")
                .append(clickHouseVersion)
                .append(": the local chDB engine behind local/chdb_http_server.py"
                        + " (one query at a time, Python HTTP front), not a ClickHouse server\n");
        md.append(
                "- Producer, consumer (and the reference consumer) run as their own JVMs; everything shares the same cores.\n");
        md.append("- The local engine is restarted (same data) before every scenario and every drain: it slows as its"
                + " process ages, and each measurement gets a fresh one.\n\n");
        md.append("## Scenarios\n\n");
        md.append("Throughput: rows stored per second after the warm-up, until the last row is stored. Latency (ms):"
                + " `ingested_at − timestamp` of every event stored after the warm-up (p50 / p95 / p99 / max), and the"
                + " direct probe: one event at a time sent to Kafka and polled for with a `SELECT` every 25 ms (p50 / p95 /"
                + " p99 / max, and the number of probes). CPU: consumer process CPU time per stored event. Heap: the"
                + " consumer's largest sampled heap in use. Lost/duplicated: acknowledged by Kafka vs distinct event ids"
                + " stored, and rows minus distinct ids. Inserts: batches the consumer inserted; parts: active parts of"
                + " `events` at the end (many tiny inserts make many parts).\n\n");
        md.append(
                "| scenario | events/s stored | ingest latency ms p50/p95/p99/max | probe ms p50/p95/p99/max (n) | CPU µs/event"
                        + " | max heap MB | lost / duplicated | inserts | active parts |\n");
        md.append("|---|---:|---|---|---:|---:|---|---:|---:|\n");
        for (BenchmarkMain.Result r : results) {
            md.append(r.row()).append('\n');
        }
        md.append("\n## (e) An outage: a backlog drained while live traffic continues\n\n");
        md.append("The backlog is produced while no consumer runs; the consumer then starts at its default settings"
                + " (1,000 rows / 5 s) and drains it while a producer keeps sending 100 events/s. Drain rate: backlog"
                + " / time from the first insert to caught-up (lag under one batch). Live p99: ingest latency of the"
                + " events sent from 30 s after catching up.\n\n");
        md.append("| consumer | backlog | drain rows/s | s to caught up | inserts | active parts | live p99 ms (n) |"
                + " lost / duplicated |\n|---|---:|---:|---:|---:|---:|---:|---|\n");
        for (OutageDrain.Result d : drains) {
            md.append(String.format(
                    "| %s | %,d | %,.0f | %.1f | %,d | %d | %s (%,d) | %d / %d |%n",
                    d.label(),
                    d.backlog(),
                    d.drainRowsPerSecond(),
                    d.secondsToCaughtUp(),
                    d.inserts(),
                    d.activeParts(),
                    d.liveP99Millis(),
                    d.liveEvents(),
                    d.lost(),
                    d.duplicated()));
        }
        md.append("\n## Against a plain consumer, same backlog, same run\n\n");
        md.append("Each pair drains the same backlog at the same batch size; the ratio is ours over the reference's"
                + " just above it.\n\n");
        md.append(
                "| consumer | rows/s draining the backlog | ratio to reference | seconds | duplicated |\n|---|---:|---:|---:|---:|\n");
        for (String[] row : comparison) {
            md.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        md.append('\n');
        return md.toString();
    }

    /**
     * Scenario (c) before inserts carried deduplication tokens and typed headers: this
     * benchmark's run of 2026-11-25T03:40Z on the same kind of machine (git history of BENCHMARKS.md).
     */
    static final long C_BEFORE_DEDUPLICATION_TOKENS = 137_253;

    /** Each target of the benchmark, met or not, with the figure of this run. */
    static String targets(List<BenchmarkMain.Result> results, List<OutageDrain.Result> drains, double referenceRatio) {
        BenchmarkMain.Result a = results.get(0);
        BenchmarkMain.Result b = results.get(1);
        BenchmarkMain.Result c = results.get(2);
        StringBuilder md = new StringBuilder("## Targets\n\n| target | this run | met |\n|---|---|---|\n");
        target(
                md,
                "(a) p50 ≤ 3 s event-to-queryable",
                String.format("ingest %.2f s, probe %.2f s", a.ingest(0) / 1000, a.probeMillis(0.5) / 1000),
                a.ingest(0) <= 3000 && a.probeMillis(0.5) <= 3000);
        target(
                md,
                "(a) p99 ≤ 5.5 s",
                String.format("ingest %.2f s, probe %.2f s", a.ingest(2) / 1000, a.probeMillis(0.99) / 1000),
                a.ingest(2) <= 5500 && a.probeMillis(0.99) <= 5500);
        target(
                md,
                "(b) p99 ≤ 1.5 s",
                String.format("ingest %.2f s, probe %.2f s", b.ingest(2) / 1000, b.probeMillis(0.99) / 1000),
                b.ingest(2) <= 1500 && b.probeMillis(0.99) <= 1500);
        target(
                md,
                "(c) ≥ 50,000 events/s sustained end to end",
                String.format("%,.0f events/s", c.throughput),
                c.throughput >= 50_000);
        target(
                md,
                "(c) consumer ≤ 5 µs CPU per event",
                String.format("%.2f µs", c.cpuMicrosPerEvent),
                c.cpuMicrosPerEvent <= 5);
        OutageDrain.Result catchUp = drains.get(0);
        OutageDrain.Result noCatchUp = drains.get(1);
        target(
                md,
                "(e) outage drained ≥ 150,000 rows/s at default settings",
                String.format("%,.0f rows/s", catchUp.drainRowsPerSecond()),
                catchUp.drainRowsPerSecond() >= 150_000);
        target(
                md,
                "(e) ≥ 40,000 rows/s with catch-up disabled",
                String.format("%,.0f rows/s", noCatchUp.drainRowsPerSecond()),
                noCatchUp.drainRowsPerSecond() >= 40_000);
        double liveP99 = Double.parseDouble(catchUp.liveP99Millis());
        target(
                md,
                "(e) live p99 back at (a)'s 5.5 s within 30 s of catching up",
                String.format("%.2f s", liveP99 / 1000),
                liveP99 <= 5_500);
        long lost = results.stream().mapToLong(BenchmarkMain.Result::lost).sum()
                + drains.stream().mapToLong(OutageDrain.Result::lost).sum();
        long duplicated = results.stream()
                        .mapToLong(BenchmarkMain.Result::duplicated)
                        .sum()
                + drains.stream().mapToLong(OutageDrain.Result::duplicated).sum();
        target(
                md,
                "zero loss and duplication, every scenario",
                lost + " lost, " + duplicated + " duplicated",
                lost == 0 && duplicated == 0);
        target(
                md,
                "(c) idempotent inserts cost ≤ 10% of throughput: ≥ 90% of "
                        + String.format("%,d", C_BEFORE_DEDUPLICATION_TOKENS) + " events/s",
                String.format(
                        "%,.0f events/s (%.0f%%)", c.throughput, 100 * c.throughput / C_BEFORE_DEDUPLICATION_TOKENS),
                c.throughput >= 0.9 * C_BEFORE_DEDUPLICATION_TOKENS);
        target(
                md,
                "faster than the plain reference consumer at the same batch size (1,000 and 50,000 rows)",
                String.format("%.1f× at the closer pair", referenceRatio),
                referenceRatio >= 1);
        return md.append('\n').toString();
    }

    private static void target(StringBuilder md, String target, String figure, boolean met) {
        md.append("| ")
                .append(target)
                .append(" | ")
                .append(figure)
                .append(" | ")
                .append(met ? "yes" : "**no**")
                .append(" |\n");
    }

    static String machine() {
        try {
            String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("unknown CPU");
            String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream()
                    .filter(l -> l.startsWith("MemTotal"))
                    .findFirst()
                    .map(l -> l.replaceAll("\\D", ""))
                    .map(kb -> Long.parseLong(kb) / 1_048_576 + " GiB")
                    .orElse("? GiB");
            return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + memory + " memory, "
                    + System.getProperty("os.name") + " " + System.getProperty("os.version");
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors() + " cores";
        }
    }
}
