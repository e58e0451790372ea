package io.clickstream.bench;

import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalKafkaBroker;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The collector under HTTP load on loopback (scripts/bench.sh; alone: {@code --collector}): the
 * collector jar with its defaults in front of a real Kafka broker, and load posting NDJSON
 * batches of 10 events. Two loads: saturation (wrk, a fixed number of connections, each sending
 * as soon as its answer came) and a paced 5,000 events/s (500 requests/s on a fixed schedule
 * from the JDK HttpClient; latency counted from the scheduled time, so a stall is not hidden). Only 202s count
 * as accepted: each means Kafka acknowledged the request's events.
 */
final class CollectorBenchmark {
    static final int EVENTS_PER_REQUEST = 10;
    /**
     * The collector's JVM as docker compose runs it: the image's -XX:MaxRAMPercentage=75 of the
     * service's mem_limit (320m). The JVM's default here (a quarter of the machine's memory, a young
     * generation of gigabytes) made young pauses of up to 330 ms copying the state of 10,000 slow
     * connections, so the benchmark measured a JVM no deployment runs.
     */
    static final List<String> DEPLOYED_JVM = List.of("-Xmx240m");

    static final int IN_FLIGHT = 32;
    static final int PACED_EVENTS_PER_SECOND = 5_000;
    static final int SLOW_CONNECTIONS = 10_000;
    private static final Pattern WRK_RESULT = Pattern.compile(
            "RESULT requests=(\\d+) duration_us=(\\d+) not2xx=(\\d+) socket_errors=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");

    /** One load's measurements, and how the machine's CPU was shared while it ran. */
    record Result(
            String load,
            double requestsPerSecond,
            double eventsPerSecond,
            double p50,
            double p99,
            long other,
            CpuShare.Shares cpu) {
        Result withCpu(CpuShare.Shares shares) {
            return new Result(load, requestsPerSecond, eventsPerSecond, p50, p99, other, shares);
        }
    }

    /**
     * What the benchmark measured: the three loads and the broker outage.
     *
     * @param collectorShare the collector process's share of the machine (cores × time) during the
     *                       saturation load: with the events it accepted, its CPU per event
     */
    record Measured(List<Result> loads, double collectorShare, BrokerOutage.Result outage, List<String> wrkCommand) {
        /** The collector's own CPU per event accepted at saturation, in µs. */
        double collectorMicrosPerEvent() {
            Result saturated = loads.get(0);
            return collectorShare * Runtime.getRuntime().availableProcessors() * 1e6 / saturated.eventsPerSecond();
        }

        /** The first reason a measurement cannot be trusted, or null. */
        String distrust() {
            for (Result r : loads) {
                String why = r.cpu().distrust();
                if (why != null) {
                    return r.load() + ": " + why;
                }
            }
            String why = outage.cpu().distrust();
            return why == null ? null : "broker outage: " + why;
        }
    }

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(Executors.newFixedThreadPool(
                    4,
                    task -> { // daemons: the benchmark's JVM exits when done
                        Thread thread = new Thread(task, "bench-http");
                        thread.setDaemon(true);
                        return thread;
                    }))
            .build();
    private final URI endpoint;
    private final AtomicLong sequence = new AtomicLong();

    private CollectorBenchmark(int port) {
        this.endpoint = URI.create("http://127.0.0.1:" + port + "/v1/events");
    }

    /**
     * Exits 1 without touching BENCHMARKS.md when the machine was not the benchmark's alone
     * ({@link CpuShare}); writes the section and exits 1 when a target was missed.
     */
    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        String section;
        try {
            CpuShare.requireIdle(5);
            try (LocalKafkaBroker kafka = LocalKafkaBroker.start()) {
                section = run(kafka, RepositoryLayout.root(), Files.createTempDirectory("collector-bench-"), quick);
            }
        } catch (CpuShare.Untrusted e) {
            System.err.println("collector benchmark NOT TRUSTED, BENCHMARKS.md left as it was: " + e.getMessage());
            System.exit(1);
            return;
        }
        System.out.println(section);
        Path report = RepositoryLayout.resolve("BENCHMARKS.md");
        Files.writeString(report, replaceSection(Files.readString(report), section));
        System.out.println("collector section written to " + report);
        if (section.contains("| **no** |")) {
            System.err.println("collector benchmark: a target was missed (see the section above)");
            System.exit(1);
        }
        System.exit(0);
    }

    /**
     * Runs the loads and the broker outage; returns the BENCHMARKS.md section (with its targets).
     * Throws {@link CpuShare.Untrusted} if another process took a share of the machine meanwhile.
     */
    static String run(LocalKafkaBroker kafka, Path repo, Path work, boolean quick) throws Exception {
        Measured measured = measure(kafka, repo, work, quick);
        String distrust = measured.distrust();
        if (distrust != null) {
            throw new CpuShare.Untrusted(distrust);
        }
        return section(measured, quick ? Duration.ofSeconds(5) : Duration.ofSeconds(30));
    }

    private static Measured measure(LocalKafkaBroker kafka, Path repo, Path work, boolean quick) throws Exception {
        String topic = KafkaService.uniqueName("bench-collector");
        KafkaService.connect(kafka.bootstrapServers()).createTopicNamed(topic, 3);
        int port = BenchmarkMain.freePort();
        Duration warmUp = Duration.ofSeconds(quick ? 3 : 10);
        Duration measure = Duration.ofSeconds(quick ? 5 : 30);
        try (JavaProcess collector = JavaProcess.collector(
                DEPLOYED_JVM, repo, work.resolve("collector.log"), kafka.bootstrapServers(), topic, port, List.of())) {
            collector.awaitOutput("collecting on", Duration.ofSeconds(120));
            CollectorBenchmark bench = new CollectorBenchmark(port);
            System.out.println("== collector: saturation, " + IN_FLIGHT + " requests in flight");
            System.out.println("load: " + bench.wrkCommand(measure, work.resolve("collector-load.lua")));
            bench.saturate(warmUp, work);
            // Sampled here rather than by sharingCpu: the same two samples give the collector's own share
            // too (the only other JVM running now: the broker is in this one, wrk is not Java).
            CpuShare.Sample from = CpuShare.sample();
            Result load = bench.saturate(measure, work);
            CpuShare.Sample to = CpuShare.sample();
            Result saturated = load.withCpu(CpuShare.between(from, to));
            double collectorShare = CpuShare.shareOf(from, to, "java");
            System.out.println(saturated);
            System.out.println("== collector: paced at " + PACED_EVENTS_PER_SECOND + " events/s");
            bench.paced(warmUp);
            Result paced = sharingCpu(() -> bench.paced(measure));
            System.out.println(paced);
            int slow = quick ? 1_000 : SLOW_CONNECTIONS;
            System.out.println("== collector: paced at " + PACED_EVENTS_PER_SECOND + " events/s beside " + slow
                    + " slow connections");
            Result besideSlow;
            try (SlowClients clients = new SlowClients(port, slow)) {
                bench.paced(warmUp);
                Result measured = sharingCpu(() -> bench.paced(measure));
                besideSlow = new Result(
                        String.format(
                                "paced %,d events/s beside %,d slow connections (%,d answered 408 and reopened)",
                                PACED_EVENTS_PER_SECOND, slow, clients.reopened()),
                        measured.requestsPerSecond(),
                        measured.eventsPerSecond(),
                        measured.p50(),
                        measured.p99(),
                        measured.other(),
                        measured.cpu());
            }
            System.out.println(besideSlow);
            System.out.println("== collector: a broker frozen for " + BrokerOutage.OUTAGE.toSeconds() + " s under "
                    + BrokerOutage.REQUESTS_PER_SECOND + " requests/s");
            BrokerOutage.Result outage = BrokerOutage.run(repo, work);
            System.out.println(outage);
            return new Measured(
                    List.of(saturated, paced, besideSlow),
                    collectorShare,
                    outage,
                    bench.wrkCommand(measure, Path.of("bench/src/main/resources/collector-load.lua")));
        }
    }

    /** One load's run. */
    private interface Load {
        Result run() throws Exception;
    }

    /** Runs {@code load} with the machine's CPU shares of its run recorded in the result. */
    private static Result sharingCpu(Load load) throws Exception {
        CpuShare.Sample from = CpuShare.sample();
        Result result = load.run();
        return result.withCpu(CpuShare.between(from, CpuShare.sample()));
    }

    /** wrk's command line for a saturation load of {@code length} with the request script at {@code script}. */
    private List<String> wrkCommand(Duration length, Path script) {
        return List.of(
                "wrk",
                "-t1",
                "-c" + IN_FLIGHT,
                "-d" + length.toSeconds() + "s",
                "--timeout",
                "30s",
                "-s",
                script.toString(),
                endpoint.toString());
    }

    private HttpRequest request() {
        StringBuilder body = new StringBuilder(EVENTS_PER_REQUEST * 110);
        for (int i = 0; i < EVENTS_PER_REQUEST; i++) {
            long n = sequence.incrementAndGet();
            body.append("{\"event_type\":\"page_view\",\"user_id\":\"bench-")
                    .append(n % 500)
                    .append("\",\"product_id\":\"p-")
                    .append(n % 1000)
                    .append("\",\"price\":12.5,\"session_id\":\"s-")
                    .append(n % 500)
                    .append("\"}\n");
        }
        return HttpRequest.newBuilder(endpoint)
                .header("Content-Type", "application/x-ndjson")
                .header("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build();
    }

    /**
     * {@link #IN_FLIGHT} connections, each sending its next request as soon as the answer came,
     * for {@code length}: wrk (C, one thread), so the load generator is not the bottleneck.
     */
    private Result saturate(Duration length, Path work) throws Exception {
        Path script = work.resolve("collector-load.lua");
        try (InputStream in = CollectorBenchmark.class.getResourceAsStream("/collector-load.lua")) {
            Files.copy(in, script, StandardCopyOption.REPLACE_EXISTING);
        }
        Process wrk = new ProcessBuilder(wrkCommand(length, script))
                .redirectErrorStream(true)
                .start();
        String output = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IllegalStateException("wrk failed:\n" + output);
        }
        Matcher m = WRK_RESULT.matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no RESULT line from wrk:\n" + output);
        }
        long requests = Long.parseLong(m.group(1));
        double seconds = Long.parseLong(m.group(2)) / 1e6;
        long other = Long.parseLong(m.group(3)) + Long.parseLong(m.group(4));
        return new Result(
                "saturation (wrk, " + IN_FLIGHT + " connections)",
                requests / seconds,
                (requests - other) * EVENTS_PER_REQUEST / seconds,
                Long.parseLong(m.group(5)) / 1000.0,
                Long.parseLong(m.group(6)) / 1000.0,
                other,
                null);
    }

    /** Requests on a fixed schedule at {@link #PACED_EVENTS_PER_SECOND} events/s for {@code length}. */
    private Result paced(Duration length) throws InterruptedException {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicLong accepted = new AtomicLong();
        AtomicLong other = new AtomicLong();
        long intervalNanos = 1_000_000_000L * EVENTS_PER_REQUEST / PACED_EVENTS_PER_SECOND;
        long requests = length.toNanos() / intervalNanos;
        long started = System.nanoTime();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor();
        Semaphore done = new Semaphore(0);
        for (long i = 0; i < requests; i++) {
            long due = started + i * intervalNanos;
            clock.schedule(
                    () -> http.sendAsync(request(), HttpResponse.BodyHandlers.discarding())
                            .whenComplete((answer, error) -> {
                                latencies.add(System.nanoTime() - due); // from the scheduled time
                                if (error == null && answer.statusCode() == 202) {
                                    accepted.incrementAndGet();
                                } else {
                                    other.incrementAndGet();
                                }
                                done.release();
                            }),
                    due - System.nanoTime(),
                    TimeUnit.NANOSECONDS);
        }
        done.acquire((int) requests);
        clock.shutdown();
        return result(
                "paced " + String.format("%,d", PACED_EVENTS_PER_SECOND) + " events/s",
                started,
                latencies,
                accepted.get(),
                other.get());
    }

    private static Result result(String load, long started, List<Long> latencies, long accepted, long other) {
        double seconds = (System.nanoTime() - started) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return new Result(
                load,
                (accepted + other) / seconds,
                accepted * EVENTS_PER_REQUEST / seconds,
                percentile(sorted, 0.50),
                percentile(sorted, 0.99),
                other,
                null);
    }

    private static double percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }

    static String section(Measured measured, Duration length) throws IOException, InterruptedException {
        List<Result> results = measured.loads();
        StringBuilder md = new StringBuilder("## Collector: HTTP ingestion\n\n");
        md.append("Produced by `scripts/bench.sh --collector` on ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append(" (UTC), ")
                .append(Report.machine())
                .append(
                        ". The collector jar with its defaults (Netty, one event loop per core, `acks=all`) in a JVM sized as docker compose runs it (`-Xmx240m`: 75% of its 320 MB mem_limit), in front of the")
                .append(" in-JVM Kafka broker (3 partitions); load on loopback from ")
                .append(wrkVersion())
                .append(" (saturation, one thread: `")
                .append(String.join(" ", measured.wrkCommand()))
                .append("`) and the JDK HttpClient in the broker's JVM (paced), all on the same cores.")
                .append(" Requests carry ")
                .append(EVENTS_PER_REQUEST)
                .append(" events as NDJSON; accepted = answered 202 (Kafka acknowledged). Each load: ")
                .append(length.toSeconds())
                .append(" s measured after a warm-up; latency per request, in ms, from sending (paced: from")
                .append(" the scheduled time). CPU: shares of the machine (cores × time) used by the benchmark's")
                .append(" processes and by any other; a run where others took more than ")
                .append(String.format("%.0f%%", CpuShare.MAX_OTHERS * 100))
                .append(" (or the hypervisor stole more than ")
                .append(String.format("%.0f%%", CpuShare.MAX_STEAL * 100))
                .append(") is refused and writes nothing.\n\n");
        md.append("| load | requests/s | events/s accepted | p50 ms | p99 ms | not 202 | CPU ours / others |\n"
                + "|---|---:|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            md.append(String.format(
                    "| %s | %,.0f | %,.0f | %.1f | %.1f | %d | %.0f%% / %.0f%% |%n",
                    r.load(),
                    r.requestsPerSecond(),
                    r.eventsPerSecond(),
                    r.p50(),
                    r.p99(),
                    r.other(),
                    r.cpu().ours() * 100,
                    r.cpu().others() * 100));
        }
        md.append(String.format(
                "%nThe collector's own CPU at saturation: %.0f%% of the machine, %.2f µs per event accepted: one core"
                        + " of collector accepts about %,.0f events/s (wrk and the broker had the rest).%n",
                measured.collectorShare() * 100,
                measured.collectorMicrosPerEvent(),
                1e6 / measured.collectorMicrosPerEvent()));
        BrokerOutage.Result outage = measured.outage();
        md.append(String.format(
                "%nA broker outage: a broker of its own process, frozen with SIGSTOP for %d s (to the collector a hung"
                        + " broker or a network that drops everything), then continued, under %d requests/s of one"
                        + " event each (`BrokerOutage`). The collector calls Kafka down once it has not answered for"
                        + " 2 s (asked every half second): requests sent before that were handed to Kafka's producer"
                        + " and wait for its acknowledgement until `--kafka-timeout` (10 s), so that a `503` is not"
                        + " answered for events Kafka may still store.%n%n",
                BrokerOutage.OUTAGE.toSeconds(), BrokerOutage.REQUESTS_PER_SECOND));
        md.append("| broker outage | measured |\n|---|---:|\n");
        md.append(String.format("| freeze → requests answered `503` at once | %.2f s |%n", outage.detectedSeconds()));
        md.append(String.format(
                "| requests sent while the outage was known: slowest answer (not `503`) | %.0f ms of %,d (%d) |%n",
                outage.knownDownWorstMs(), outage.knownDownRequests(), outage.knownDownNot503()));
        md.append(String.format(
                "| requests sent between the freeze and then: slowest answer | %.2f s of %,d |%n",
                outage.beforeKnownWorstSeconds(), outage.beforeKnownRequests()));
        md.append(String.format("| continue → first `202` | %.2f s |%n", outage.firstAcceptedSeconds()));
        md.append(String.format(
                "| answered `202` / of those not on the topic | %,d / %d |%n", outage.accepted(), outage.lost()));
        md.append(String.format(
                "| CPU ours / others | %.0f%% / %.0f%% |%n",
                outage.cpu().ours() * 100, outage.cpu().others() * 100));
        Result saturated = results.get(0);
        Result paced = results.get(1);
        md.append("\n| target | this run | met |\n|---|---|---|\n");
        md.append(String.format(
                "| ≥ 20,000 events/s accepted at saturation | %,.0f events/s | %s |%n",
                saturated.eventsPerSecond(), saturated.eventsPerSecond() >= 20_000 ? "yes" : "**no**"));
        md.append(String.format(
                "| p99 ≤ 50 ms at 5,000 events/s | %.1f ms | %s |%n",
                paced.p99(), paced.p99() <= 50 && paced.other() == 0 ? "yes" : "**no**"));
        Result slow = results.get(2);
        md.append(String.format(
                "| beside %,d slow connections: p99 ≤ 100 ms and nothing but 202 | %.1f ms, %d not 202 | %s |%n",
                SLOW_CONNECTIONS, slow.p99(), slow.other(), slow.p99() <= 100 && slow.other() == 0 ? "yes" : "**no**"));
        md.append(String.format(
                "| broker down: every request answered `503` within 1 s once known | %.0f ms, %d not 503 | %s |%n",
                outage.knownDownWorstMs(),
                outage.knownDownNot503(),
                outage.knownDownWorstMs() <= 1_000 && outage.knownDownNot503() == 0 ? "yes" : "**no**"));
        md.append(String.format(
                "| broker back: first `202` within 5 s | %.2f s | %s |%n",
                outage.firstAcceptedSeconds(), outage.firstAcceptedSeconds() <= 5 ? "yes" : "**no**"));
        md.append(String.format(
                "| nothing answered `202` lost | %d lost | %s |%n",
                outage.lost(), outage.lost() == 0 ? "yes" : "**no**"));
        return md.toString();
    }

    /** wrk's version line, e.g. "wrk 4.1.0 [epoll]" (its -v exits 1). */
    private static String wrkVersion() throws IOException, InterruptedException {
        Process version =
                new ProcessBuilder("wrk", "-v").redirectErrorStream(true).start();
        String first = new String(version.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .findFirst()
                .orElse("wrk");
        version.waitFor();
        int copyright = first.indexOf(" Copyright");
        return copyright < 0 ? first.trim() : first.substring(0, copyright).trim();
    }

    /** The report with its collector section replaced (or appended). */
    static String replaceSection(String report, String section) {
        int start = report.indexOf("## Collector: HTTP ingestion");
        if (start < 0) {
            return report.stripTrailing() + "\n\n" + section;
        }
        int next = report.indexOf("\n## ", start + 3);
        return report.substring(0, start) + section + (next < 0 ? "" : report.substring(next + 1));
    }
}
