package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/run-local.sh for about a minute, as a user runs it: the data must show up within
 * 10 s of the producer starting, all event types must arrive, freshness must stay under 10 s,
 * and SIGTERM (what Ctrl-C does) must stop every process it started.
 */
class LocalRunIT {
    @Test
    void theNoDockerPipelineDeliversLiveData(@TempDir Path dir) throws Exception {
        int port;
        int collectorPort;
        try (ServerSocket socket = new ServerSocket(0);
                ServerSocket other = new ServerSocket(0)) {
            port = socket.getLocalPort();
            collectorPort = other.getLocalPort();
        }
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/run-local.sh", "--duration", "300")
                .directory(RepositoryLayout.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("run-local.out").toFile());
        Map<String, String> env = builder.environment();
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("CLICKHOUSE_PORT", Integer.toString(port));
        env.put("KAFKA_CLASSPATH", System.getProperty("java.class.path")); // holds the broker and its dependencies
        env.put("SUMMARY_INTERVAL", "5");
        env.put("COLLECTOR_PORT", Integer.toString(collectorPort));
        Process run = builder.start();
        ClickHouseService ch =
                ClickHouseService.connect(URI.create("http://127.0.0.1:" + port), "default", "", "compress=false");
        try {
            long producerStarted = waitFor(dir, "starting the producer", Duration.ofSeconds(120), run);
            long firstData = 0;
            while (firstData == 0
                    && System.nanoTime() - producerStarted
                            < Duration.ofSeconds(30).toNanos()) {
                if (count(ch, "") > 0) {
                    firstData = System.nanoTime();
                }
                Thread.sleep(200);
            }
            double secondsToData = (firstData - producerStarted) / 1e9;
            System.out.printf(
                    "[LocalRunIT] first rows in ClickHouse %.1f s after the producer started%n", secondsToData);
            assertTrue(
                    firstData > 0 && secondsToData <= 10,
                    "data within 10 s, took " + secondsToData + " s\n" + output(dir));

            Thread.sleep(60_000 - (System.nanoTime() - producerStarted) / 1_000_000);
            for (String type : List.of("page_view", "add_to_cart", "purchase")) {
                assertTrue(count(ch, "WHERE event_type = '" + type + "'") > 0, type + " arrived\n" + output(dir));
            }
            double freshness = Double.parseDouble(ch.query(
                    "SELECT dateDiff('millisecond', max(timestamp), now64(3)) / 1000 FROM clickstream.events"));
            long total = count(ch, "");
            System.out.printf(
                    "[LocalRunIT] after 60 s: %d rows, freshness %.1f s%n%s%n", total, freshness, output(dir));
            assertTrue(freshness < 10, "freshness under 10 s, was " + freshness);
            assertTrue(total > 4_000, "about 100 events/s for a minute, stored " + total);

            // The collector runs too: an event posted to it is stored.
            String user = "local-run-" + System.nanoTime();
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collectorPort + "/v1/events"))
                                    .header("Content-Type", "application/json")
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"page_view\","
                                            + "\"user_id\":\"" + user + "\",\"product_id\":\"p\",\"price\":0}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(202, answer.statusCode(), answer.body());
            long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
            while (count(ch, "WHERE user_id = '" + user + "'") == 0) {
                assertTrue(System.nanoTime() < deadline, "the collector's event stored within 15 s\n" + output(dir));
                Thread.sleep(200);
            }
        } finally {
            run.destroy(); // SIGTERM, like Ctrl-C: the script's trap stops everything
            assertTrue(run.waitFor(90, TimeUnit.SECONDS), "run-local.sh stopped\n" + output(dir));
        }
        assertTrue(output(dir).contains("run-local: stopped."), output(dir));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            throw new AssertionError("the local ClickHouse is still running after the stop");
        } catch (IOException expected) {
            // refused: stopped
        }
    }

    private static long count(ClickHouseService ch, String where) {
        try {
            return ch.queryLong("SELECT count() FROM clickstream.events " + where);
        } catch (IllegalStateException notYet) {
            return 0; // table not created yet
        }
    }

    private static long waitFor(Path dir, String text, Duration timeout, Process run) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!output(dir).contains(text)) {
            assertTrue(run.isAlive(), "run-local.sh exited early:\n" + output(dir));
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' within " + timeout + ":\n" + output(dir));
            Thread.sleep(100);
        }
        return System.nanoTime();
    }

    private static String output(Path dir) {
        try {
            return Files.readString(dir.resolve("run-local.out"));
        } catch (IOException e) {
            return "(no output)";
        }
    }
}
