package io.clickstream.bench;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalClickHouseServer;
import io.clickstream.testsupport.LocalKafkaBroker;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Scenario (e), an outage: a backlog is produced while no consumer runs, then the consumer
 * starts at its default settings and drains it while live traffic keeps arriving at 100
 * events/s. Measures the drain rate, the time to caught-up (the lag back under one batch), the
 * inserts and active parts, and the p99 ingest latency of the live events from 30 s after
 * catching up (the default scenario's target applies again from then on).
 */
final class OutageDrain {
    /** The measurements of one drain. */
    record Result(
            String label,
            long backlog,
            double drainRowsPerSecond,
            double secondsToCaughtUp,
            long inserts,
            long activeParts,
            String liveP99Millis,
            long liveEvents,
            long lost,
            long duplicated) {}

    private static final int LIVE_RATE = 100;
    private static final Duration AFTER_CAUGHT_UP = Duration.ofSeconds(60);
    private static final Duration SETTLE = Duration.ofSeconds(30);

    private final LocalKafkaBroker kafka;
    private final ClickHouseService clickHouse;
    private final LocalClickHouseServer server;
    private final Path repo;
    private final Path work;

    OutageDrain(
            LocalKafkaBroker kafka, ClickHouseService clickHouse, LocalClickHouseServer server, Path repo, Path work) {
        this.kafka = kafka;
        this.clickHouse = clickHouse;
        this.server = server;
        this.repo = repo;
        this.work = work;
    }

    /** @param consumerOptions extra consumer flags, e.g. {@code --catch-up-max-rows 0} */
    Result run(String label, long backlog, List<String> consumerOptions) throws Exception {
        server.restart();
        String id = "e" + Long.toHexString(System.nanoTime() & 0xFFFFFFL);
        String topic = "bench-" + id;
        String database = "bench_" + id;
        String table = database + ".events";
        KafkaService.connect(kafka.bootstrapServers()).createTopicNamed(topic, 3);
        System.out.printf("%s: producing a backlog of %,d events (the outage)%n", label, backlog);
        JavaProcess outage = producer(
                id + "-backlog", topic, List.of("--seed", "3", "--rate", "0", "--count", Long.toString(backlog)));
        if (outage.waitFor(Duration.ofSeconds(900)) != 0) {
            throw new IllegalStateException("backlog producer failed:\n" + outage.tail());
        }
        int httpPort = BenchmarkMain.freePort();
        List<String> options =
                new ArrayList<>(List.of("--http-port", Integer.toString(httpPort), "--lag-interval", "5s"));
        options.addAll(consumerOptions);
        // Another seed than the backlog's: the simulator's event ids follow its seed.
        try (JavaProcess live =
                        producer(id + "-live", topic, List.of("--seed", "4", "--rate", Integer.toString(LIVE_RATE)));
                JavaProcess consumer = JavaProcess.consumer(
                        repo,
                        work.resolve(id + "-consumer.log"),
                        kafka.bootstrapServers(),
                        topic,
                        topic,
                        clickHouse.jdbcUrl(database),
                        options)) {
            consumer.awaitOutput("assigned [", Duration.ofSeconds(120));
            ConsumerMetrics metrics = new ConsumerMetrics(httpPort);
            Instant caughtUp = awaitCaughtUp(metrics, consumer, backlog);
            Instant first = BenchmarkMain.firstIngest(clickHouse, table);
            double seconds = Math.max(0.001, Duration.between(first, caughtUp).toMillis() / 1000.0);
            System.out.printf(
                    "%s: caught up after %.1f s; live traffic for %d s more%n",
                    label, seconds, AFTER_CAUGHT_UP.toSeconds());
            Thread.sleep(AFTER_CAUGHT_UP.toMillis());
            live.stop();
            Map<String, Double> end = metrics.read();
            long produced = backlog + acknowledged(live);
            BenchmarkMain.waitForRows(clickHouse, table, produced, Duration.ofMinutes(5), consumer);
            consumer.stop();
            Instant settled = caughtUp.plus(SETTLE);
            List<Map<String, String>> q =
                    clickHouse.queryRows("SELECT quantileExact(0.99)(latency) AS p99, count() AS n"
                            + " FROM (SELECT dateDiff('millisecond', timestamp, ingested_at) AS latency FROM " + table
                            + " WHERE timestamp >= fromUnixTimestamp64Milli(" + settled.toEpochMilli() + "))");
            long stored = clickHouse.queryLong("SELECT count() FROM " + table);
            long unique = clickHouse.queryLong("SELECT uniqExact(event_id) FROM " + table);
            Result result = new Result(
                    label,
                    backlog,
                    backlog / seconds,
                    seconds,
                    end.get("clickstream_consumer_batches_total").longValue(),
                    clickHouse.queryLong("SELECT count() FROM system.parts WHERE database = '" + database
                            + "' AND table = 'events' AND active"),
                    q.get(0).get("p99"),
                    Long.parseLong(q.get(0).get("n")),
                    produced - unique,
                    stored - unique);
            System.out.println(result);
            clickHouse.execute("DROP DATABASE " + database);
            return result;
        }
    }

    /** The moment the consumer's lag is back under one default batch, after it had the backlog. */
    private Instant awaitCaughtUp(ConsumerMetrics metrics, JavaProcess consumer, long backlog) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(20).toNanos();
        boolean sawBacklog = false;
        while (System.nanoTime() < deadline) {
            try {
                Map<String, Double> m = metrics.read();
                double lag = m.getOrDefault("clickstream_consumer_lag_records", -1.0);
                double consumed = m.getOrDefault("clickstream_consumer_records_consumed_total", 0.0);
                sawBacklog |= lag > 1_000 || consumed > 0;
                if (sawBacklog && consumed >= backlog && lag >= 0 && lag < 1_000) {
                    return Instant.now();
                }
            } catch (IllegalStateException notYet) {
                // metrics endpoint not up yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not caught up after 20 minutes:\n" + consumer.tail());
    }

    private JavaProcess producer(String name, String topic, List<String> extra) throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--progress-interval", "30s"));
        args.addAll(extra);
        return JavaProcess.jar(
                repo.resolve("producer/target/clickstream-producer.jar"), work.resolve(name + ".log"), args);
    }

    private static long acknowledged(JavaProcess producer) {
        Matcher m = BenchmarkMain.ACKNOWLEDGED.matcher(producer.output());
        if (!m.find()) {
            throw new IllegalStateException("no summary from the live producer:\n" + producer.tail());
        }
        return Long.parseLong(m.group(2).replace(",", ""));
    }
}
