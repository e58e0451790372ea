package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.collector.http.CollectorMetrics;
import io.clickstream.collector.http.CollectorServer;
import io.clickstream.collector.http.Cors;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.UserAgents;
import io.clickstream.collector.kafka.EventPublisher;
import io.clickstream.model.EventCodec;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalKafkaBroker;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.TopicContents;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The collector's HTTP side against a real Kafka broker. */
@ExtendWith(RealServices.class)
class CollectorIT {
    private static final String ORIGIN = "https://shop.example.com";
    private static final String CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36"
            + " (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static EventIntake intake;

    @BeforeAll
    static void analyzer() {
        intake = new EventIntake(new EventCodec(), new UserAgents());
    }

    private record Answer(int status, String body, Map<String, List<String>> headers) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    static final CollectorServer.Limits LIMITS = new CollectorServer.Limits(
            64 * 1024, 100, 1_000, Duration.ofSeconds(10), Duration.ofSeconds(60), 64L * 1024 * 1024);

    private static CollectorServer start(String bootstrap, String topic, Duration kafkaTimeout) throws IOException {
        CollectorServer server = new CollectorServer(
                "127.0.0.1",
                0,
                Cors.parse(ORIGIN),
                LIMITS,
                intake,
                new EventPublisher(bootstrap, topic, kafkaTimeout),
                new CollectorMetrics());
        server.start();
        return server;
    }

    /** Needs sun.net.http.allowRestrictedHeaders=true from the JVM's start (pom.xml) to send Origin. */
    private static Answer send(CollectorServer server, String method, String type, String origin, byte[] body)
            throws IOException {
        HttpURLConnection http = (HttpURLConnection) URI.create("http://127.0.0.1:" + server.port() + "/v1/events")
                .toURL()
                .openConnection();
        http.setReadTimeout((int) Await.HANG.toMillis()); // a hang detector, not a latency bound
        http.setRequestMethod(method);
        http.setRequestProperty("User-Agent", CHROME);
        if (type != null) {
            http.setRequestProperty("Content-Type", type);
        }
        if (origin != null) {
            http.setRequestProperty("Origin", origin);
        }
        if (body != null) {
            http.setDoOutput(true);
            http.setFixedLengthStreamingMode(body.length);
            try (OutputStream out = http.getOutputStream()) {
                out.write(body);
            } catch (IOException refusedWhileSending) {
                // the server may answer 413 and close before the whole body went out
            }
        }
        int status = http.getResponseCode();
        InputStream in = status >= 400 ? http.getErrorStream() : http.getInputStream();
        String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        http.getHeaderFields().forEach((name, values) -> {
            if (name != null) {
                headers.put(name, values);
            }
        });
        return new Answer(status, text, headers);
    }

    private static int get(CollectorServer server, String path) throws IOException {
        HttpURLConnection http = (HttpURLConnection)
                URI.create("http://127.0.0.1:" + server.port() + path).toURL().openConnection();
        http.setReadTimeout((int) Await.HANG.toMillis());
        return http.getResponseCode();
    }

    private static Answer post(CollectorServer server, String body) throws IOException {
        return send(server, "POST", "application/json", ORIGIN, body.getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String user, int i) {
        return "{\"event_type\":\"page_view\",\"user_id\":\"" + user + "\",\"product_id\":\"p-" + i
                + "\",\"price\":1.5,\"session_id\":\"s-" + user + "\"}";
    }

    @Test
    void postedEventsArriveOnTheTopicKeyedByUserWithTheParsedUserAgent(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector", 3);
        try (CollectorServer server = start(kafka.bootstrapServers(), topic, Duration.ofSeconds(10))) {
            Answer one = post(server, event("alice", 0));
            assertEquals(202, one.status(), one.body());
            Answer batch = post(server, "[" + event("bob", 1) + "," + event("carol", 2) + "]");
            assertEquals(202, batch.status());
            Answer ndjson = send(
                    server,
                    "POST",
                    "text/plain;charset=UTF-8",
                    ORIGIN,
                    (event("dave", 3) + "\n" + event("erin", 4)).getBytes(StandardCharsets.UTF_8));
            assertEquals("{\"accepted\":2,\"rejected\":[]}", ndjson.body());
            assertEquals(List.of(ORIGIN), ndjson.headers().get("Access-Control-Allow-Origin"));

            List<ConsumerRecord<String, byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), topic);
            assertEquals(5, records.size());
            for (ConsumerRecord<String, byte[]> record : records) {
                JsonNode value = JSON.readTree(record.value());
                assertEquals(record.key(), value.get("user_id").asText(), "keyed by user_id");
                assertEquals("s-" + record.key(), value.get("session_id").asText());
                assertEquals("Chrome", value.get("browser").asText());
                assertEquals("Windows", value.get("os").asText());
                assertEquals("desktop", value.get("device").asText());
            }
            assertEquals(
                    Set.of("alice", "bob", "carol", "dave", "erin"),
                    records.stream().map(ConsumerRecord::key).collect(Collectors.toSet()));
        }
    }

    @Test
    void aBatchWithInvalidEventsStoresTheValidOnesAndNamesTheOthers(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector-partial", 1);
        try (CollectorServer server = start(kafka.bootstrapServers(), topic, Duration.ofSeconds(10))) {
            Answer answer = post(
                    server,
                    "[" + event("ok1", 1) + "," + event("neg", 2).replace("1.5", "-3") + "," + event("x".repeat(300), 3)
                            + "," + event("ok2", 4) + "]");
            assertEquals(202, answer.status());
            JsonNode body = answer.json();
            assertEquals(2, body.get("accepted").asInt());
            assertEquals("price", body.get("rejected").get(0).get("field").asText());
            assertEquals(1, body.get("rejected").get(0).get("index").asInt());
            assertEquals("user_id", body.get("rejected").get(1).get("field").asText());
            assertEquals(
                    Set.of("ok1", "ok2"),
                    TopicContents.readAll(kafka.bootstrapServers(), topic).stream()
                            .map(ConsumerRecord::key)
                            .collect(Collectors.toSet()));
        }
    }

    /** Each bad request gets its status; none of it reaches the topic; the collector keeps serving. */
    @Test
    void badInputCorpus(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector-corpus", 1);
        byte[] valid = event("corpus", 1).getBytes(StandardCharsets.UTF_8);
        try (CollectorServer server = start(kafka.bootstrapServers(), topic, Duration.ofSeconds(10))) {
            Map<String, Answer> answers = new java.util.LinkedHashMap<>();
            answers.put("malformed JSON", post(server, "{\"event_type\": "));
            answers.put("not JSON at all", post(server, "hello"));
            answers.put("wrong content type", send(server, "POST", "application/xml", ORIGIN, valid));
            answers.put("form post", send(server, "POST", "application/x-www-form-urlencoded", ORIGIN, valid));
            answers.put("latin-1 charset", send(server, "POST", "text/plain; charset=iso-8859-1", ORIGIN, valid));
            answers.put("not UTF-8", send(server, "POST", "application/json", ORIGIN, new byte[] {
                '{', '"', (byte) 0xFF, '"', ':', '1', '}'
            }));
            answers.put(
                    "oversize body", post(server, "[" + (event("big", 1) + ",").repeat(700) + event("big", 2) + "]"));
            answers.put(
                    "too many events",
                    post(server, "[" + (event("many", 1) + ",").repeat(100) + event("many", 2) + "]"));
            answers.put("deep nesting", post(server, "[".repeat(40) + "]".repeat(40)));
            answers.put("missing fields", post(server, "{\"event_type\":\"purchase\"}"));
            answers.put("wrong types", post(server, event("types", 1).replace("1.5", "\"free\"")));
            answers.put("unknown event type", post(server, event("kinds", 1).replace("page_view", "hover")));
            answers.put("empty array", post(server, "[]"));
            answers.put("hostile origin", send(server, "POST", "application/json", "https://evil.example", valid));
            answers.put("hostile preflight", send(server, "OPTIONS", null, "https://evil.example", null));
            answers.put("GET", send(server, "GET", null, ORIGIN, null));

            Map<String, Integer> expected = new java.util.LinkedHashMap<>();
            expected.put("malformed JSON", 400);
            expected.put("not JSON at all", 400);
            expected.put("wrong content type", 415);
            expected.put("form post", 415);
            expected.put("latin-1 charset", 415);
            expected.put("not UTF-8", 400);
            expected.put("oversize body", 413);
            expected.put("too many events", 413);
            expected.put("deep nesting", 400);
            expected.put("missing fields", 400);
            expected.put("wrong types", 400);
            expected.put("unknown event type", 400);
            expected.put("empty array", 400);
            expected.put("hostile origin", 403);
            expected.put("hostile preflight", 403);
            expected.put("GET", 405);
            Map<String, Integer> actual = new java.util.LinkedHashMap<>();
            answers.forEach((name, answer) -> actual.put(name, answer.status()));
            assertEquals(expected, actual, answers.toString());
            assertTrue(
                    answers.get("missing fields").body().contains("\"field\":\"user_id\""),
                    answers.get("missing fields").body());
            assertEquals(null, answers.get("hostile origin").headers().get("Access-Control-Allow-Origin"));

            Answer preflight = send(server, "OPTIONS", null, ORIGIN, null);
            assertEquals(204, preflight.status());
            assertEquals(List.of("POST, OPTIONS"), preflight.headers().get("Access-Control-Allow-Methods"));
            assertEquals(
                    0,
                    TopicContents.readAll(kafka.bootstrapServers(), topic).size(),
                    "nothing of the corpus reached the topic");
            assertEquals(
                    202, send(server, "POST", "application/json", ORIGIN, valid).status(), "still serving");
            assertEquals(
                    1, TopicContents.readAll(kafka.bootstrapServers(), topic).size());
        }
    }

    @Test
    void kafkaUnavailableIsAnswered503WithRetryAfterAndNothingClaimed() throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start(); // its own broker: this test stops it
        boolean brokerClosed = false;
        String topic = KafkaService.uniqueName("collector-down");
        KafkaService.connect(broker.bootstrapServers()).createTopicNamed(topic, 1);
        try (CollectorServer server = start(broker.bootstrapServers(), topic, Duration.ofSeconds(2))) {
            assertEquals(202, post(server, event("before", 1)).status());
            assertEquals(
                    1, TopicContents.readAll(broker.bootstrapServers(), topic).size());
            broker.close();
            brokerClosed = true;
            Answer down = post(server, event("during", 2));
            assertEquals(503, down.status(), down.body());
            assertEquals(List.of("5"), down.headers().get("Retry-After"));
            assertTrue(down.json().get("error").asText().contains("nothing of this request is acknowledged"));
            assertEquals(200, get(server, "/health/live"), "the collector itself stays up");
            Await.untilTrue("/health reports Kafka down", Await.HANG, () -> get(server, "/health") == 503);
            Answer fast = post(server, event("during", 3));
            assertEquals(503, fast.status(), "answered at once while Kafka is known to be down");
            assertEquals(List.of("5"), fast.headers().get("Retry-After"));
        } finally {
            if (!brokerClosed) {
                broker.close();
            }
        }
    }
}
