package io.clickstream.bench;

import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalKafkaBroker;
import io.clickstream.testsupport.RepositoryLayout;
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
    static final int IN_FLIGHT = 32;
    static final int PACED_EVENTS_PER_SECOND = 5_000;
    static final int SLOW_CONNECTIONS = 10_000;
    private static final Pattern WRK_RESULT = Pattern.compile(
            "RESULT requests=(\\d+) duration_us=(\\d+) not2xx=(\\d+) socket_errors=(\\d+) p50_us=(\\d+) p99_us=(\\d+)");

    /** One load's measurements. */
    record Result(String load, double requestsPerSecond, double eventsPerSecond, double p50, double p99, long other) {}

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

    public static void main(String[] args) throws Exception {
        boolean quick = List.of(args).contains("--quick");
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start()) {
            String section = run(kafka, RepositoryLayout.root(), Files.createTempDirectory("collector-bench-"), quick);
            System.out.println(section);
            Path report = RepositoryLayout.resolve("BENCHMARKS.md");
            Files.writeString(report, replaceSection(Files.readString(report), section));
            System.out.println("collector section written to " + report);
        }
    }

    /** Runs both loads; returns the BENCHMARKS.md section (with its targets). */
    static String run(LocalKafkaBroker kafka, Path repo, Path work, boolean quick) throws Exception {
        String topic = KafkaService.uniqueName("bench-collector");
        KafkaService.connect(kafka.bootstrapServers()).createTopicNamed(topic, 3);
        int port = BenchmarkMain.freePort();
        Duration warmUp = Duration.ofSeconds(quick ? 3 : 10);
        Duration measure = Duration.ofSeconds(quick ? 5 : 30);
        try (JavaProcess collector = JavaProcess.collector(
                repo, work.resolve("collector.log"), kafka.bootstrapServers(), topic, port, List.of())) {
            collector.awaitOutput("collecting on", Duration.ofSeconds(120));
            CollectorBenchmark bench = new CollectorBenchmark(port);
            System.out.println("== collector: saturation, " + IN_FLIGHT + " requests in flight");
            bench.saturate(warmUp, work);
            Result saturated = bench.saturate(measure, work);
            System.out.println(saturated);
            System.out.println("== collector: paced at " + PACED_EVENTS_PER_SECOND + " events/s");
            bench.paced(warmUp);
            Result paced = bench.paced(measure);
            System.out.println(paced);
            int slow = quick ? 1_000 : SLOW_CONNECTIONS;
            System.out.println("== collector: paced at " + PACED_EVENTS_PER_SECOND + " events/s beside " + slow
                    + " slow connections");
            Result besideSlow;
            try (SlowClients clients = new SlowClients(port, slow)) {
                bench.paced(warmUp);
                Result measured = bench.paced(measure);
                besideSlow = new Result(
                        String.format(
                                "paced %,d events/s beside %,d slow connections (%,d answered 408 and reopened)",
                                PACED_EVENTS_PER_SECOND, slow, clients.reopened()),
                        measured.requestsPerSecond(),
                        measured.eventsPerSecond(),
                        measured.p50(),
                        measured.p99(),
                        measured.other());
            }
            System.out.println(besideSlow);
            return section(List.of(saturated, paced, besideSlow), measure);
        }
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
        Process wrk = new ProcessBuilder(
                        "wrk",
                        "-t1",
                        "-c" + IN_FLIGHT,
                        "-d" + length.toSeconds() + "s",
                        "--timeout",
                        "30s",
                        "-s",
                        script.toString(),
                        endpoint.toString())
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
                other);
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
                other);
    }

    private static double percentile(List<Long> sorted, double q) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(q * sorted.size()) - 1)) / 1e6;
    }

    static String section(List<Result> results, Duration measured) {
        StringBuilder md = new StringBuilder("## Collector: HTTP ingestion\n\n");
        md.append("Produced by `scripts/bench.sh --collector` on ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
                .append(" (UTC), ")
                .append(Report.machine())
                .append(
                        ". The collector jar with its defaults (Netty, one event loop per core, `acks=all`) in front of the")
                .append(" in-JVM Kafka broker (3 partitions); load on loopback from wrk 4.1 (saturation, one")
                .append(" thread) and the JDK HttpClient in the broker's JVM (paced), all on the same cores.")
                .append(" Requests carry ")
                .append(EVENTS_PER_REQUEST)
                .append(" events as NDJSON; accepted = answered 202 (Kafka acknowledged). Each load: ")
                .append(measured.toSeconds())
                .append(" s measured after a warm-up; latency per request, in ms, from sending (paced: from")
                .append(" the scheduled time).\n\n");
        md.append(
                "| load | requests/s | events/s accepted | p50 ms | p99 ms | not 202 |\n|---|---:|---:|---:|---:|---:|\n");
        for (Result r : results) {
            md.append(String.format(
                    "| %s | %,.0f | %,.0f | %.1f | %.1f | %d |%n",
                    r.load(), r.requestsPerSecond(), r.eventsPerSecond(), r.p50(), r.p99(), r.other()));
        }
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
        return md.toString();
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
