package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/run-local.sh as a user runs it: data reaches ClickHouse, all event types arrive, an
 * event posted to the collector is stored, its ClickHouse has a generated password and refuses
 * what a web page can send it, and SIGTERM (what Ctrl-C does) stops every process it
 * started. How fast the data shows up is measured by scripts/bench.sh, not asserted here.
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
        ProcessBuilder builder = new ProcessBuilder("bash", "scripts/run-local.sh", "--duration", "900")
                .directory(RepositoryLayout.root().toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("run-local.out").toFile());
        Map<String, String> env = builder.environment();
        env.put("DATA_DIR", dir.resolve("data").toString());
        env.put("CLICKHOUSE_PORT", Integer.toString(port));
        env.put("KAFKA_CLASSPATH", System.getProperty("java.class.path")); // holds the broker and its dependencies
        env.put("SUMMARY_INTERVAL", "5");
        env.put("COLLECTOR_PORT", Integer.toString(collectorPort));
        Process run = TestProcesses.start(builder);
        List<String> killed;
        try {
            awaitOutput(dir, "starting the producer", run);
            // The password the script generated and kept for its ClickHouse (and gave the consumer).
            String password = Files.readString(dir.resolve("data/clickhouse.password"));
            assertTrue(password.matches("[A-Za-z0-9]{24}"), "a generated password");
            ClickHouseService ch = ClickHouseService.connect(
                    URI.create("http://127.0.0.1:" + port), "default", password, "compress=false");
            long producerStarted = System.nanoTime();
            awaitOutput(dir, "run-local: running.", run); // every service answers, the collector included
            Await.until("rows in ClickHouse", Await.HANG, () -> count(ch, ""), rows -> rows > 0, () -> output(dir));
            System.out.printf(
                    "[LocalRunIT] first rows in ClickHouse %.1f s after the producer started%n",
                    (System.nanoTime() - producerStarted) / 1e9);
            for (String type : List.of("page_view", "add_to_cart", "purchase")) {
                Await.until(
                        type + " events stored",
                        Await.HANG,
                        () -> count(ch, "WHERE event_type = '" + type + "'"),
                        rows -> rows > 0,
                        () -> output(dir));
            }
            // Live data keeps flowing: a thousand more rows after the first ones.
            long first = count(ch, "");
            Await.until(
                    "1,000 more rows",
                    Await.HANG,
                    () -> count(ch, ""),
                    rows -> rows >= first + 1_000,
                    () -> output(dir));

            // The collector runs too: an event posted to it is stored.
            String user = "local-run-" + System.nanoTime();
            HttpResponse<String> answer = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + collectorPort + "/v1/events"))
                                    .header("Content-Type", "application/json")
                                    .timeout(Await.HANG) // a hang detector
                                    .POST(HttpRequest.BodyPublishers.ofString("{\"event_type\":\"page_view\","
                                            + "\"user_id\":\"" + user + "\",\"product_id\":\"p\",\"price\":0}"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            assertEquals(202, answer.statusCode(), answer.body());
            Await.until(
                    "the collector's event stored",
                    Await.HANG,
                    () -> count(ch, "WHERE user_id = '" + user + "'"),
                    rows -> rows == 1,
                    () -> output(dir));
            // What any web page the user visits can send without a preflight: a text/plain POST
            // with its Origin; and a page on a name that resolves to 127.0.0.1 (DNS rebinding).
            // Each is refused before it runs, with the password or without: the table is intact.
            long before = count(ch, "");
            String basic = "Basic "
                    + java.util.Base64.getEncoder()
                            .encodeToString(("default:" + password).getBytes(StandardCharsets.UTF_8));
            for (String headers : List.of(
                    "Host: 127.0.0.1:" + port + "\r\nOrigin: https://shop.attacker.example\r\n",
                    "Host: 127.0.0.1:" + port + "\r\nOrigin: https://shop.attacker.example\r\nAuthorization: " + basic
                            + "\r\n",
                    "Host: 127.0.0.1:" + port + "\r\nOrigin: null\r\nAuthorization: " + basic + "\r\n",
                    "Host: rebind.attacker.example:" + port + "\r\nAuthorization: " + basic + "\r\n",
                    "Host: 127.0.0.1:" + port + "\r\n")) {
                String refused = rawPost(port, headers, "DROP TABLE clickstream.events");
                assertTrue(refused.startsWith("HTTP/1.1 403"), headers + " -> " + refused);
            }
            assertTrue(count(ch, "") >= before, "the table is still there after the refused DROPs");
            assertTrue(
                    read(dir.resolve("data/logs/clickhouse.log")).contains("refused a request"),
                    "the server logs what it refused");

            String freshness =
                    ch.query("SELECT dateDiff('millisecond', max(timestamp), now64(3)) / 1000 FROM clickstream.events");
            System.out.printf("[LocalRunIT] %d rows, freshness %s s%n%s%n", count(ch, ""), freshness, output(dir));
        } finally {
            // SIGTERM, like Ctrl-C: the script's trap stops everything it started; whatever it leaves is killed.
            killed = TestProcesses.stopTree(run, Duration.ofSeconds(120));
        }
        assertEquals(List.of(), killed, "run-local.sh left processes running after SIGTERM\n" + output(dir));
        assertTrue(output(dir).contains("run-local: stopped."), output(dir));
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            throw new AssertionError("the local ClickHouse is still running after the stop");
        } catch (IOException expected) {
            // refused: stopped
        }
    }

    /** A POST as a browser would send it for a page (headers as given), and the server's whole answer. */
    private static String rawPost(int port, String headers, String body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout((int) Await.HANG.toMillis());
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            socket.getOutputStream()
                    .write(("POST / HTTP/1.1\r\n" + headers + "Content-Type: text/plain\r\nContent-Length: "
                                    + bytes.length + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write(bytes);
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static long count(ClickHouseService ch, String where) {
        try {
            return ch.queryLong("SELECT count() FROM clickstream.events " + where);
        } catch (IllegalStateException notYet) {
            return 0; // table not created yet
        }
    }

    private static void awaitOutput(Path dir, String text, Process run) throws InterruptedException {
        Await.untilTrue(
                "'" + text + "' from run-local.sh",
                Await.HANG,
                () -> {
                    if (output(dir).contains(text)) {
                        return true;
                    }
                    if (!run.isAlive()) {
                        throw new AssertionError("run-local.sh exited early:\n" + output(dir));
                    }
                    return false;
                },
                () -> output(dir));
    }

    /** The script's output, and the end of each service's log (they are deleted with the test's directory). */
    private static String output(Path dir) {
        StringBuilder out = new StringBuilder(read(dir.resolve("run-local.out")));
        for (String service : List.of("clickhouse", "kafka", "consumer", "producer", "collector")) {
            List<String> lines =
                    read(dir.resolve("data/logs/" + service + ".log")).lines().toList();
            out.append("\n--- ")
                    .append(service)
                    .append(".log (last 15 lines) ---\n")
                    .append(String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size())));
        }
        return out.toString();
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(no " + file.getFileName() + ")";
        }
    }
}
