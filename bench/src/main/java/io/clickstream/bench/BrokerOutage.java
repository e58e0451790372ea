package io.clickstream.bench;

import io.clickstream.testsupport.BrokerProcess;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.TopicContents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The collector's answers around a Kafka outage: the collector jar in front of a broker of its
 * own process, a steady {@value #REQUESTS_PER_SECOND} requests/s (one event each, a user id of
 * its own), and the broker frozen with SIGSTOP (to the collector exactly a hung broker, or a
 * network that drops everything) for {@link #OUTAGE}, then continued. Measures how long until
 * requests are answered 503 at once, how fast every request is answered once the outage is
 * known, what happened to requests that came before it was, how long after the broker answers
 * again the first request is accepted, and that every event answered 202 is on the topic.
 */
final class BrokerOutage {
    static final int REQUESTS_PER_SECOND = 50;
    static final Duration BEFORE = Duration.ofSeconds(5);
    static final Duration OUTAGE = Duration.ofSeconds(20);
    static final Duration AFTER = Duration.ofSeconds(10);

    /** One request: when it was sent and answered (nanoTime), and the status (0: no answer). */
    private record Sent(String user, long sent, long answered, int status) {}

    /**
     * @param detectedSeconds freeze → the first request answered 503 at once
     * @param knownDownWorstMs slowest answer to a request sent while the outage was known
     * @param knownDownRequests requests sent while the outage was known
     * @param knownDownNot503 of those, answered other than 503
     * @param beforeKnownRequests requests sent between the freeze and the first 503 at once
     * @param beforeKnownWorstSeconds their slowest answer (Kafka's timeout, --kafka-timeout)
     * @param firstAcceptedSeconds continue → the first request sent after it answered 202
     * @param accepted requests answered 202 in all
     * @param lost of those, events not on the topic
     */
    record Result(
            double detectedSeconds,
            double knownDownWorstMs,
            int knownDownRequests,
            long knownDownNot503,
            int beforeKnownRequests,
            double beforeKnownWorstSeconds,
            double firstAcceptedSeconds,
            long accepted,
            long lost,
            CpuShare.Shares cpu) {}

    private BrokerOutage() {}

    static Result run(Path repo, Path work) throws Exception {
        Path dir = Files.createDirectories(work.resolve("outage"));
        try (BrokerProcess broker = BrokerProcess.start(dir)) {
            String topic = broker.kafka.createTopic("bench-outage", 3);
            int port = BenchmarkMain.freePort();
            try (JavaProcess collector = JavaProcess.collector(
                    repo, dir.resolve("collector.log"), broker.kafka.bootstrapServers(), topic, port, List.of())) {
                collector.awaitOutput("collecting on", Duration.ofSeconds(120));
                CpuShare.Sample cpuFrom = CpuShare.sample();
                List<CompletableFuture<Sent>> requests = new ArrayList<>();
                HttpClient http = HttpClient.newBuilder()
                        .executor(Executors.newFixedThreadPool(2, task -> {
                            Thread thread = new Thread(task, "bench-outage-http");
                            thread.setDaemon(true);
                            return thread;
                        }))
                        .build();
                URI endpoint = URI.create("http://127.0.0.1:" + port + "/v1/events");
                long start = System.nanoTime();
                long interval = 1_000_000_000L / REQUESTS_PER_SECOND;
                long freeze = start + BEFORE.toNanos();
                long resume = freeze + OUTAGE.toNanos();
                long end = resume + AFTER.toNanos();
                long frozeAt = 0;
                long resumedAt = 0;
                for (long due = start; due < end; due += interval) {
                    long now = System.nanoTime();
                    if (due > now) {
                        TimeUnit.NANOSECONDS.sleep(due - now); // the load's schedule
                    }
                    if (frozeAt == 0 && System.nanoTime() >= freeze) {
                        frozeAt = System.nanoTime(); // before the signal: detection is measured long, not short
                        broker.process.suspend();
                        System.out.println("broker frozen (SIGSTOP)");
                    } else if (frozeAt != 0 && resumedAt == 0 && System.nanoTime() >= resume) {
                        resumedAt = System.nanoTime(); // before the signal: recovery is measured long
                        broker.process.resume();
                        System.out.println("broker continued (SIGCONT)");
                    }
                    requests.add(send(http, endpoint, "outage-" + requests.size()));
                }
                List<Sent> answers = new ArrayList<>();
                for (CompletableFuture<Sent> request : requests) {
                    answers.add(request.get());
                }
                CpuShare.Shares cpu = CpuShare.between(cpuFrom, CpuShare.sample());
                Set<String> onTopic = new HashSet<>();
                for (ConsumerRecord<String, byte[]> record :
                        TopicContents.readAll(broker.kafka.bootstrapServers(), topic)) {
                    onTopic.add(record.key());
                }
                return measure(answers, frozeAt, resumedAt, onTopic, cpu);
            }
        }
    }

    private static CompletableFuture<Sent> send(HttpClient http, URI endpoint, String user) {
        long sent = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"page_view\",\"user_id\":\"" + user
                        + "\",\"product_id\":\"p-1\",\"price\":1}"))
                .build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((answer, error) ->
                        new Sent(user, sent, System.nanoTime(), error == null ? answer.statusCode() : 0));
    }

    private static Result measure(
            List<Sent> answers, long frozeAt, long resumedAt, Set<String> onTopic, CpuShare.Shares cpu) {
        // Known down: the first request sent after the freeze that was answered 503 within a second.
        Sent first = answers.stream()
                .filter(a -> a.sent() >= frozeAt && a.sent() < resumedAt && a.status() == 503)
                .filter(a -> a.answered() - a.sent() < 1_000_000_000L)
                .min(Comparator.comparingLong(Sent::sent))
                .orElseThrow(() -> new IllegalStateException("no request was answered 503 at once during the outage"));
        long known = first.sent();
        List<Sent> knownDown = answers.stream()
                .filter(a -> a.sent() >= known && a.sent() < resumedAt)
                .toList();
        List<Sent> beforeKnown = answers.stream()
                .filter(a -> a.sent() >= frozeAt && a.sent() < known)
                .toList();
        long firstAccepted = answers.stream()
                .filter(a -> a.sent() >= resumedAt && a.status() == 202)
                .mapToLong(Sent::answered)
                .min()
                .orElseThrow(() -> new IllegalStateException("no request was accepted after the broker continued"));
        List<Sent> accepted = answers.stream().filter(a -> a.status() == 202).toList();
        return new Result(
                (first.answered() - frozeAt) / 1e9,
                knownDown.stream().mapToLong(a -> a.answered() - a.sent()).max().orElse(0) / 1e6,
                knownDown.size(),
                knownDown.stream().filter(a -> a.status() != 503).count(),
                beforeKnown.size(),
                beforeKnown.stream()
                                .mapToLong(a -> a.answered() - a.sent())
                                .max()
                                .orElse(0)
                        / 1e9,
                (firstAccepted - resumedAt) / 1e9,
                accepted.size(),
                accepted.stream().filter(a -> !onTopic.contains(a.user())).count(),
                cpu);
    }
}
