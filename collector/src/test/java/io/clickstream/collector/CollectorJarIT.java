package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TopicContents;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The collector jar as users run it: --help, and SIGTERM under load. */
@ExtendWith(RealServices.class)
class CollectorJarIT {
    private static final Path JAR = RepositoryLayout.root().resolve("collector/target/clickstream-collector.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void helpAndBadConfiguration() throws Exception {
        Path logs = Files.createTempDirectory("collector-jar-");
        try (JavaProcess help = JavaProcess.jar(JAR, logs.resolve("help.log"), List.of("--help"))) {
            assertEquals(0, help.waitFor(Duration.ofSeconds(60)));
            assertTrue(help.output().contains("--allowed-origins"), help.output());
            assertTrue(help.output().contains("COLLECTOR_MAX_BODY_BYTES"));
        }
        try (JavaProcess bad =
                JavaProcess.jar(JAR, logs.resolve("bad.log"), List.of("--allowed-origins", "shop.example.com"))) {
            assertEquals(2, bad.waitFor(Duration.ofSeconds(60)));
            assertTrue(bad.output().contains("'shop.example.com' is not an origin"), bad.output());
        }
    }

    /** Every event answered 202 is on the topic, though SIGTERM arrived with requests in flight. */
    @Test
    void sigtermWithRequestsInFlightLosesNothingThatWasAnswered202(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector-sigterm", 3);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path logs = Files.createTempDirectory("collector-jar-");
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicInteger refused = new AtomicInteger();
        AtomicBoolean sending = new AtomicBoolean(true);
        ExecutorService clients = Executors.newFixedThreadPool(6);
        try (JavaProcess collector = JavaProcess.collector(
                RepositoryLayout.root(),
                logs.resolve("collector.log"),
                kafka.bootstrapServers(),
                topic,
                port,
                List.of())) {
            collector.awaitOutput("collecting on", Duration.ofSeconds(120));
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            URI endpoint = URI.create("http://127.0.0.1:" + port + "/v1/events");
            for (int c = 0; c < 6; c++) {
                int client = c;
                clients.submit(() -> {
                    int request = 0;
                    while (sending.get()) {
                        List<String> ids = new ArrayList<>();
                        StringBuilder body = new StringBuilder();
                        for (int i = 0; i < 10; i++) {
                            String id = UUID.randomUUID().toString();
                            ids.add(id);
                            body.append("{\"event_id\":\"")
                                    .append(id)
                                    .append("\",\"event_type\":\"page_view\",\"user_id\":\"u-")
                                    .append(client)
                                    .append('-')
                                    .append(request % 50)
                                    .append("\",\"product_id\":\"p\",\"price\":1}\n");
                        }
                        request++;
                        try {
                            HttpResponse<String> answer = http.send(
                                    HttpRequest.newBuilder(endpoint)
                                            .header("Content-Type", "application/x-ndjson")
                                            .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString());
                            if (answer.statusCode() == 202) {
                                acknowledged.addAll(ids);
                            } else {
                                refused.incrementAndGet();
                            }
                        } catch (IOException e) {
                            refused.incrementAndGet(); // refused connection once the socket closed
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                });
            }
            // The signal comes under load: once 100 events were acknowledged, however long that took.
            Await.untilTrue("100 events acknowledged before the signal", Await.HANG, () -> acknowledged.size() >= 100);
            collector.stop(); // SIGTERM, waits for the exit
            sending.set(false);
            // 143 = 128 + SIGTERM: the JVM reports the signal once its shutdown hooks finished
            assertEquals(143, collector.waitFor(Duration.ofSeconds(5)), collector.tail());
            assertTrue(collector.output().contains("stopped: accepted"), collector.tail());
        } finally {
            clients.shutdownNow();
            clients.awaitTermination(10, TimeUnit.SECONDS);
        }
        List<ConsumerRecord<String, byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), topic);
        Set<String> stored = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            stored.add(JSON.readTree(record.value()).get("event_id").asText());
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(stored);
        assertEquals(Set.of(), missing, "answered 202 but not on the topic");
        System.out.println("[CollectorJarIT] " + acknowledged.size() + " events acknowledged, " + refused.get()
                + " requests refused after the signal");
    }
}
