package io.clickstream.bench;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalClickHouseServer;
import io.clickstream.testsupport.LocalKafkaBroker;
import io.clickstream.testsupport.RepositoryLayout;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the drain rate moves with the number of consumers: one backlog on a topic of 6 partitions,
 * drained by 1, 2 and 3 consumer jars of one group (each run a fresh group, a fresh database and a
 * fresh local ClickHouse), at the default settings. Per run: rows/s from the first row stored to
 * the last, and the CPU shares of the machine taken by the ClickHouse engine and by the consumers;
 * every event stored once (distinct event ids). Prints a table, writes nothing.
 *
 * <pre>scripts/bench.sh --scaling [events, default 1,000,000]</pre>
 */
public final class ConsumerScaling {
    private ConsumerScaling() {}

    public static void main(String[] args) throws Exception {
        long backlog = args.length > 1 ? Long.parseLong(args[1].replace(",", "")) : 1_000_000;
        CpuShare.requireIdle(5);
        Path repo = RepositoryLayout.root();
        Path work = Files.createTempDirectory("clickstream-scaling-");
        List<String> rows = new ArrayList<>();
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start();
                LocalClickHouseServer server = LocalClickHouseServer.startNew()) {
            ClickHouseService ch = ClickHouseService.connect(
                    URI.create("http://127.0.0.1:" + server.port()), "default", "", "compress=false");
            String topic = "scaling-" + Long.toHexString(System.nanoTime());
            KafkaService.connect(kafka.bootstrapServers()).createTopicNamed(topic, 6);
            System.out.printf("producing a backlog of %,d events on %s (6 partitions)%n", backlog, topic);
            try (JavaProcess producer = JavaProcess.jar(
                    repo.resolve("producer/target/clickstream-producer.jar"),
                    work.resolve("producer.log"),
                    List.of(
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--topic",
                            topic,
                            "--rate",
                            "0",
                            "--count",
                            Long.toString(backlog),
                            "--seed",
                            "6",
                            "--progress-interval",
                            "30s"))) {
                if (producer.waitFor(Duration.ofMinutes(15)) != 0) {
                    throw new IllegalStateException("the backlog producer failed:\n" + producer.tail());
                }
            }
            for (int consumers = 1; consumers <= 3; consumers++) {
                server.restart(); // each run a fresh engine process (it slows as it ages)
                String database = "scaling_" + consumers + "_" + Long.toHexString(System.nanoTime() & 0xFFFFFF);
                List<JavaProcess> group = new ArrayList<>();
                CpuShare.Sample from;
                CpuShare.Sample to;
                try {
                    for (int i = 0; i < consumers; i++) {
                        group.add(JavaProcess.consumer(
                                repo,
                                work.resolve(database + "-consumer-" + i + ".log"),
                                kafka.bootstrapServers(),
                                topic,
                                topic + "-group-" + consumers,
                                ch.jdbcUrl(database),
                                List.of("--http-port", "-1")));
                    }
                    // CPU over the drain itself: from the first row stored to the last (not the JVMs' start)
                    BenchmarkMain.waitForRows(ch, database + ".events", 1, Duration.ofMinutes(5), group.get(0));
                    from = CpuShare.sample();
                    BenchmarkMain.waitForRows(ch, database + ".events", backlog, Duration.ofMinutes(20), group.get(0));
                    to = CpuShare.sample();
                } finally {
                    for (JavaProcess consumer : group) {
                        consumer.stop();
                    }
                }
                double seconds = (ch.queryLong("SELECT toUnixTimestamp64Milli(max(ingested_at)) - "
                                + "toUnixTimestamp64Milli(min(ingested_at)) FROM " + database + ".events")
                        / 1000.0);
                long unique = ch.queryLong("SELECT uniqExact(event_id) FROM " + database + ".events");
                double engine = CpuShare.shareOf(from, to, "python");
                double jvms = CpuShare.shareOf(from, to, "java");
                String row = String.format(
                        "| %d | %,.0f | %.1f | %.0f%% | %.0f%% | %,d |",
                        consumers,
                        backlog / Math.max(seconds, 0.001),
                        seconds,
                        engine * 100,
                        jvms * 100,
                        backlog - unique);
                System.out.println(row);
                rows.add(row);
                if (unique != backlog) {
                    throw new IllegalStateException(database + ": " + unique + " distinct events of " + backlog);
                }
                ch.execute("DROP DATABASE " + database);
            }
        }
        System.out.printf(
                "%n%,d events, 6 partitions, %d cores (%s)%n%n| consumers | rows/s | seconds | ClickHouse engine CPU"
                        + " | consumers' CPU | lost or twice |%n|---:|---:|---:|---:|---:|---:|%n%s%n",
                backlog,
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"),
                String.join("\n", rows));
    }
}
