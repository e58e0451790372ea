package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.collector.http.CollectorMetrics;
import io.clickstream.collector.http.CollectorServer;
import io.clickstream.collector.http.Cors;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.UserAgents;
import io.clickstream.collector.kafka.EventPublisher;
import io.clickstream.model.EventCodec;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.BrokerProcess;
import io.clickstream.testsupport.TopicContents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that stops answering (frozen with SIGSTOP: to its clients a hung broker or a network
 * that drops everything): once the collector notices, every request is answered 503 +
 * Retry-After without waiting out the Kafka timeout, {@code /health} says DOWN while
 * {@code /health/live} stays up; once the broker answers again, requests are accepted again, and
 * every event answered 202 is on the topic. No assertion on latency: the benchmark measures it.
 */
class BrokerDownIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static int post(CollectorServer server, String user) throws IOException, InterruptedException {
        String body = "{\"event_type\":\"page_view\",\"user_id\":\"" + user + "\",\"product_id\":\"p\",\"price\":1}";
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/events"))
                                .timeout(Await.HANG) // a hang detector
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static int get(CollectorServer server, String path) throws IOException, InterruptedException {
        return HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                                .timeout(Await.HANG)
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    @Test
    void whileTheBrokerIsFrozenRequestsAreAnswered503AndAcceptedAgainAfter(@TempDir Path dir) throws Exception {
        try (BrokerProcess broker = BrokerProcess.start(dir)) {
            String topic = broker.kafka.createTopic("collector-frozen", 1);
            Set<String> acknowledged = new HashSet<>();
            try (CollectorServer server = new CollectorServer(
                    "127.0.0.1",
                    0,
                    Cors.parse("*"),
                    CollectorIT.LIMITS,
                    new EventIntake(new EventCodec(), new UserAgents()),
                    new EventPublisher(broker.kafka.bootstrapServers(), topic, Duration.ofSeconds(10)),
                    new CollectorMetrics())) {
                server.start();
                assertEquals(202, post(server, "before"));
                acknowledged.add("before");

                broker.process.suspend();
                try {
                    Await.untilTrue("/health reports Kafka down", Await.HANG, () -> get(server, "/health") == 503);
                    assertEquals(200, get(server, "/health/live"));
                    for (int i = 0; i < 20; i++) {
                        assertEquals(503, post(server, "during-" + i), "request " + i + " while the broker is frozen");
                    }
                } finally {
                    broker.process.resume();
                }
                Await.untilTrue("requests accepted again", Await.HANG, () -> {
                    String user = "after-" + System.nanoTime();
                    if (post(server, user) == 202) {
                        acknowledged.add(user);
                        return true;
                    }
                    return false;
                });
                assertEquals(200, get(server, "/health"));
            }
            Set<String> onTopic = new HashSet<>();
            for (ConsumerRecord<String, byte[]> record :
                    TopicContents.readAll(broker.kafka.bootstrapServers(), topic)) {
                onTopic.add(record.key());
            }
            assertTrue(onTopic.containsAll(acknowledged), "every event answered 202 is on the topic: " + onTopic);
        }
    }
}
