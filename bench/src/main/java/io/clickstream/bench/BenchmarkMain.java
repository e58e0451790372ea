package io.clickstream.bench;

import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalClickHouseServer;
import io.clickstream.testsupport.LocalKafkaBroker;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The pipeline benchmark (scripts/bench.sh): a real Kafka broker and the local ClickHouse,
 * started as the local run starts them; the producer and consumer jars as processes; scenarios
 * (a) defaults, (b) 1 s flush, (c) flat out with large batches, (d) flat out with default batches,
 * and the plain reference consumer against ours on the same backlog. Writes BENCHMARKS.md.
 *
 * <p>Arguments: {@code [--quick] [--only a,b,c,d,e] [--drain-only] [--report PATH]}. {@code --quick}
 * shortens every scenario (for trying the harness, not for numbers); {@code --only} runs only the
 * named scenarios and prints their results without writing the report (to compare two commits
 * like for like); {@code --drain-only} is {@code --only e}.
 */
public final class BenchmarkMain {
    static final Pattern ACKNOWLEDGED =
            Pattern.compile("done: sent ([\\d,]+), acknowledged ([\\d,]+), failed ([\\d,]+)");

    /** One run: traffic shape and consumer settings. {@code rate} 0 = flat out for {@code count} events. */
    record Scenario(
            String key,
            String title,
            int rate,
            Duration duration,
            long count,
            int batchRows,
            String batchWait,
            Duration warmUp) {}

    private final LocalKafkaBroker kafka;
    private final ClickHouseService clickHouse;
    private final Path work;
    private final LocalClickHouseServer server;
    private final Path repo = RepositoryLayout.root();
    /** Our drain rate over the reference's at the same batch size, the lower of the pairs ({@link #compareWithReference}). */
    private double referenceRatio;

    private BenchmarkMain(
            LocalKafkaBroker kafka, ClickHouseService clickHouse, Path work, LocalClickHouseServer server) {
        this.kafka = kafka;
        this.clickHouse = clickHouse;
        this.work = work;
        this.server = server;
    }

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        // --only c,e: just those scenarios, printed, no report (a like-for-like comparison of two commits)
        List<String> only = List.of(args).contains("--drain-only") ? List.of("e") : List.of();
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--only")) {
                only = List.of(args[i + 1].split(","));
            }
        }
        boolean partial = !only.isEmpty();
        List<String> selected = only;
        Path report = RepositoryLayout.resolve("BENCHMARKS.md");
        for (int i = 0; i < args.length - 1; i++) {
            if (args[i].equals("--report")) {
                report = Path.of(args[i + 1]);
            }
        }
        CpuShare.requireIdle(5); // a busy machine would be measured too
        Duration paced = quick ? Duration.ofSeconds(20) : Duration.ofSeconds(90);
        long flatOut = quick ? 300_000 : 3_000_000;
        long defaultBatchFlatOut = quick ? 200_000 : 1_000_000;
        long backlog = quick ? 100_000 : 300_000;
        List<Scenario> scenarios = List.of(
                new Scenario(
                        "a",
                        "(a) defaults: 100 events/s, 1,000 rows / 5 s",
                        100,
                        paced,
                        0,
                        1_000,
                        "5s",
                        Duration.ofSeconds(15)),
                new Scenario(
                        "b",
                        "(b) 1 s flush: 100 events/s, 1,000 rows / 1 s",
                        100,
                        paced,
                        0,
                        1_000,
                        "1s",
                        Duration.ofSeconds(15)),
                new Scenario(
                        "c", "(c) flat out, 50,000 rows / 1 s", 0, null, flatOut, 50_000, "1s", Duration.ofSeconds(5)),
                new Scenario(
                        "d",
                        "(d) flat out, default settings (1,000 rows / 5 s, catch-up)",
                        0,
                        null,
                        defaultBatchFlatOut,
                        1_000,
                        "5s",
                        Duration.ofSeconds(5)));
        Path work = Files.createTempDirectory("clickstream-bench-");
        Instant started = Instant.now();
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start();
                LocalClickHouseServer server = LocalClickHouseServer.startNew()) {
            ClickHouseService ch = ClickHouseService.connect(
                    URI.create("http://127.0.0.1:" + server.port()), "default", "", "compress=false");
            BenchmarkMain bench = new BenchmarkMain(kafka, ch, work, server);
            List<Result> results = new ArrayList<>();
            for (Scenario scenario : scenarios) {
                if (partial && !selected.contains(scenario.key())) {
                    continue;
                }
                server.restart(); // the local engine slows as its process ages: each scenario gets a fresh one
                System.out.println("== " + scenario.title());
                Result result = bench.run(scenario);
                System.out.println(result.row());
                results.add(result);
            }
            if (partial && !selected.contains("e")) {
                return; // no report: the other scenarios did not run
            }
            long outage = quick ? 200_000 : 1_000_000;
            OutageDrain outageDrain = new OutageDrain(kafka, ch, server, RepositoryLayout.root(), work);
            System.out.println("== (e) outage of " + outage + " events, drained at default settings");
            List<OutageDrain.Result> drains = new ArrayList<>();
            drains.add(outageDrain.run("(e) default settings (catch-up to 50,000 rows)", outage, List.of()));
            drains.add(outageDrain.run(
                    "(e) catch-up disabled (1,000-row batches)", outage, List.of("--catch-up-max-rows", "0")));
            if (partial) {
                drains.forEach(System.out::println); // no report: the other scenarios did not run
                return;
            }
            System.out.println("== reference comparison on a backlog of " + backlog + " events");
            List<String[]> comparison = bench.compareWithReference(backlog);
            String collector = CollectorBenchmark.run(kafka, RepositoryLayout.root(), work, quick);
            String targets = Report.targets(results, drains, bench.referenceRatio);
            System.out.println(targets);
            Files.writeString(
                    report,
                    Report.markdown(results, drains, comparison, started, quick, ch.query("SELECT version()"))
                            + targets
                            + "\n"
                            + collector);
            System.out.println("report written to " + report);
        }
    }

    /** Our consumer under one scenario: producer running, probe measuring, metrics sampled. */
    private Result run(Scenario s) throws Exception {
        String id = s.key() + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        String topic = "bench-" + id;
        String database = "bench_" + id;
        createTopic(topic);
        int httpPort = freePort();
        try (JavaProcess consumer = JavaProcess.consumer(
                repo,
                work.resolve(id + "-consumer.log"),
                kafka.bootstrapServers(),
                topic,
                topic,
                clickHouse.jdbcUrl(database),
                List.of(
                        "--batch-max-rows", Integer.toString(s.batchRows()),
                        "--batch-max-wait", s.batchWait(),
                        "--http-port", Integer.toString(httpPort),
                        "--lag-interval", "5s"))) {
            consumer.awaitOutput("assigned [", Duration.ofSeconds(120));
            ConsumerMetrics metrics = new ConsumerMetrics(httpPort);
            List<String> producerArgs = new ArrayList<>(List.of(
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--topic",
                    topic,
                    "--seed",
                    "1",
                    "--progress-interval",
                    "10s",
                    "--rate",
                    Integer.toString(s.rate())));
            producerArgs.addAll(
                    s.rate() > 0
                            ? List.of("--duration", s.duration().toSeconds() + "s")
                            : List.of("--count", Long.toString(s.count())));
            AtomicLong maxHeap = new AtomicLong();
            Thread heapSampler = new Thread(
                    () -> {
                        while (!Thread.currentThread().isInterrupted()) {
                            try {
                                maxHeap.accumulateAndGet(
                                        metrics.read()
                                                .getOrDefault("jvm_memory_heap_used_bytes", 0.0)
                                                .longValue(),
                                        Math::max);
                                Thread.sleep(500);
                            } catch (InterruptedException e) {
                                return;
                            } catch (RuntimeException ignored) {
                                // consumer busy or stopping: next sample
                            }
                        }
                    },
                    "heap-sampler");
            heapSampler.setDaemon(true);
            heapSampler.start();
            String table = database + ".events";
            LatencyProbe probe = new LatencyProbe(kafka.bootstrapServers(), topic, clickHouse, table);
            Thread probeThread = new Thread(probe, "latency-probe");
            probeThread.start();
            Instant producerStart = Instant.now();
            JavaProcess producer = JavaProcess.jar(
                    repo.resolve("producer/target/clickstream-producer.jar"),
                    work.resolve(id + "-producer.log"),
                    producerArgs);
            Thread.sleep(s.warmUp().toMillis());
            Instant t0 = Instant.now();
            long stored0 = clickHouse.queryLong("SELECT count() FROM " + table);
            Map<String, Double> m0 = metrics.read();
            int exit = producer.waitFor(Duration.ofSeconds(1_800));
            Matcher summary = ACKNOWLEDGED.matcher(producer.output());
            if (exit != 0 || !summary.find()) {
                throw new IllegalStateException("producer failed (exit " + exit + "):\n" + producer.tail());
            }
            long acknowledged = Long.parseLong(summary.group(2).replace(",", ""));
            probe.stop();
            probeThread.join();
            long expected = acknowledged + probe.sent();
            long stored = waitForRows(table, expected, consumer);
            Instant t1 = lastIngest(table);
            Map<String, Double> m1 = metrics.read();
            heapSampler.interrupt();
            consumer.stop();

            Result r = new Result(s);
            r.produced = expected;
            r.stored = stored;
            r.unique = clickHouse.queryLong("SELECT uniqExact(event_id) FROM " + table);
            r.throughput = (stored - stored0)
                    / Math.max(0.001, Duration.between(t0, t1).toMillis() / 1000.0);
            r.producerSeconds = Duration.between(producerStart, t1).toMillis() / 1000.0;
            List<Map<String, String>> q = clickHouse.queryRows("SELECT quantilesExact(0.5, 0.95, 0.99)(latency) AS q,"
                    + " max(latency) AS m FROM (SELECT dateDiff('millisecond', timestamp, ingested_at) AS latency FROM "
                    + table + " WHERE ingested_at >= fromUnixTimestamp64Milli(" + t0.toEpochMilli() + ")"
                    + " AND user_id != '" + LatencyProbe.PROBE_USER + "')");
            r.ingestLatency = q.get(0).get("q").replaceAll("[\\[\\]]", "").split(",");
            r.ingestMax = q.get(0).get("m");
            r.probeLatencies = probe.latencies();
            System.out.println("probe latencies (ms): " + r.probeLatencies);
            double rows = m1.get("clickstream_consumer_rows_inserted_total")
                    - m0.get("clickstream_consumer_rows_inserted_total");
            r.cpuMicrosPerEvent = (m1.get("process_cpu_seconds_total") - m0.get("process_cpu_seconds_total"))
                    * 1e6
                    / Math.max(1, rows);
            r.maxHeapMb = maxHeap.get() / 1_048_576.0;
            r.inserts = m1.get("clickstream_consumer_batches_total").longValue();
            r.activeParts = clickHouse.queryLong("SELECT count() FROM system.parts WHERE database = '" + database
                    + "' AND table = 'events' AND active");
            clickHouse.execute("DROP DATABASE " + database);
            return r;
        }
    }

    /** Drains the same backlog with the plain reference consumer and with ours; rows/s for each. */
    private List<String[]> compareWithReference(long backlog) throws Exception {
        String topic = "bench-backlog-" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        createTopic(topic);
        JavaProcess producer = JavaProcess.jar(
                repo.resolve("producer/target/clickstream-producer.jar"),
                work.resolve(topic + "-producer.log"),
                List.of(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        topic,
                        "--seed",
                        "2",
                        "--rate",
                        "0",
                        "--count",
                        Long.toString(backlog)));
        if (producer.waitFor(Duration.ofSeconds(600)) != 0) {
            throw new IllegalStateException("backlog producer failed:\n" + producer.tail());
        }
        List<String[]> rows = new ArrayList<>();
        referenceRatio = Double.MAX_VALUE;
        // Like for like: the reference gets the same batch size as our consumer in each pair.
        for (String[] settings : List.of(new String[] {"1000", "5s"}, new String[] {"50000", "1s"})) {
            double reference = drain(
                    "plain reference consumer (Map per record, setObject, SQL VALUES), batch " + settings[0],
                    topic,
                    backlog,
                    new String[] {settings[0]},
                    rows);
            double ours =
                    drain("this consumer, " + settings[0] + " rows / " + settings[1], topic, backlog, settings, rows);
            rows.get(rows.size() - 1)[2] = String.format("%.1f×", ours / reference);
            referenceRatio = Math.min(referenceRatio, ours / reference);
        }
        return rows;
    }

    private double drain(String label, String topic, long backlog, String[] ourSettings, List<String[]> rows)
            throws Exception {
        String database = "bench_drain_" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        String table = database + ".events";
        String group = database;
        JavaProcess consumer;
        Path log = work.resolve(database + ".log");
        server.restart(); // every drain on a fresh engine process
        if (ourSettings.length == 1) {
            clickHouse.execute("CREATE DATABASE " + database);
            for (String sql : SchemaInstaller.statements(
                    database, Map.of("RAW_RETENTION_DAYS", "30", "ROLLUP_RETENTION_DAYS", "36500"))) {
                clickHouse.execute(sql);
            }
            consumer = JavaProcess.mainClass(
                    PlainReferenceConsumer.class.getName(),
                    log,
                    List.of(kafka.bootstrapServers(), topic, group, clickHouse.jdbcUrl(database), ourSettings[0]));
        } else {
            consumer = JavaProcess.consumer(
                    repo,
                    log,
                    kafka.bootstrapServers(),
                    topic,
                    group,
                    clickHouse.jdbcUrl(database),
                    List.of(
                            "--batch-max-rows",
                            ourSettings[0],
                            "--batch-max-wait",
                            ourSettings[1],
                            // like for like: the reference's batch size throughout, no catch-up
                            "--catch-up-max-rows",
                            "0",
                            "--http-port",
                            "-1"));
        }
        try (consumer) {
            waitForRows(table, 1, consumer);
            Instant first = firstIngest(clickHouse, table);
            waitForRows(table, backlog, consumer);
            double seconds = Duration.between(first, lastIngest(table)).toMillis() / 1000.0;
            double rate = backlog / Math.max(0.001, seconds);
            long unique = clickHouse.queryLong("SELECT uniqExact(event_id) FROM " + table);
            rows.add(new String[] {
                label,
                String.format("%,.0f", rate),
                "1.0×",
                String.format("%.1f", seconds),
                Long.toString(clickHouse.queryLong("SELECT count() FROM " + table) - unique)
            });
            System.out.printf("%s: %,.0f rows/s%n", label, rate);
            consumer.stop();
            clickHouse.execute("DROP DATABASE " + database);
            return rate;
        }
    }

    /** Waits until {@code table} holds {@code expected} rows; returns the count, or fails with the consumer's log. */
    static long waitForRows(
            ClickHouseService clickHouse, String table, long expected, Duration timeout, JavaProcess consumer)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        long rows = 0;
        while (System.nanoTime() < deadline) {
            try {
                rows = clickHouse.queryLong("SELECT count() FROM " + table);
                if (rows >= expected) {
                    return rows;
                }
            } catch (IllegalStateException notYet) {
                // table not there yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(table + ": " + rows + " of " + expected + " rows after " + timeout.toMinutes()
                + " minutes:\n" + consumer.tail());
    }

    private long waitForRows(String table, long expected, JavaProcess consumer) throws InterruptedException {
        return waitForRows(clickHouse, table, expected, Duration.ofMinutes(20), consumer);
    }

    /** The first row's ingestion time. */
    static Instant firstIngest(ClickHouseService clickHouse, String table) {
        return Instant.ofEpochMilli(
                clickHouse.queryLong("SELECT toUnixTimestamp64Milli(min(ingested_at)) FROM " + table));
    }

    private Instant lastIngest(String table) {
        return Instant.ofEpochMilli(
                clickHouse.queryLong("SELECT toUnixTimestamp64Milli(max(ingested_at)) FROM " + table));
    }

    private void createTopic(String topic) {
        KafkaService.connect(kafka.bootstrapServers()).createTopicNamed(topic, 3);
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The measurements of one scenario. */
    static final class Result {
        final Scenario scenario;
        long produced;
        long stored;
        long unique;
        double throughput;
        double producerSeconds;
        String[] ingestLatency;
        String ingestMax;
        List<Long> probeLatencies = List.of();
        double cpuMicrosPerEvent;
        double maxHeapMb;
        long inserts;
        long activeParts;

        Result(Scenario scenario) {
            this.scenario = scenario;
        }

        long lost() {
            return Math.max(0, produced - unique);
        }

        long duplicated() {
            return stored - unique;
        }

        /** The ingest-latency quantile at index 0 (p50), 1 (p95) or 2 (p99), in ms. */
        double ingest(int index) {
            return Double.parseDouble(ingestLatency[index].trim());
        }

        double probeMillis(double quantile) {
            String value = probe(quantile);
            return value.equals("-") ? Double.NaN : Double.parseDouble(value);
        }

        String probe(double quantile) {
            if (probeLatencies.isEmpty()) {
                return "-";
            }
            List<Long> sorted = new ArrayList<>(probeLatencies);
            Collections.sort(sorted);
            return Long.toString(sorted.get(Math.min(sorted.size() - 1, (int) (quantile * sorted.size()))));
        }

        String row() {
            return String.format(
                    "| %s | %,.0f | %s / %s / %s / %s | %s / %s / %s / %s (%d) | %.2f | %.0f | %d / %d | %d | %d |",
                    scenario.title(),
                    throughput,
                    ingestLatency[0].trim(),
                    ingestLatency[1].trim(),
                    ingestLatency[2].trim(),
                    ingestMax,
                    probe(0.5),
                    probe(0.95),
                    probe(0.99),
                    probeLatencies.isEmpty() ? 0 : Collections.max(probeLatencies),
                    probeLatencies.size(),
                    cpuMicrosPerEvent,
                    maxHeapMb,
                    lost(),
                    duplicated(),
                    inserts,
                    activeParts);
        }
    }
}
