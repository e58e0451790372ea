package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaClusterProcesses;
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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on a Kafka cluster of three brokers (processes of their own, replication factor 3,
 * min.insync.replicas 2), its partition leader killed with SIGKILL:
 * <ol>
 *   <li>during a producer run (the producer jar creates the topic): the producer exits 0, every
 *       event it sent is on the topic once (distinct event ids = records = events sent);
 *   <li>during a consumer drain of that topic into ClickHouse (the consumer jar): every event is
 *       stored exactly once, and the group's offsets reach the end.
 * </ol>
 * The time from the kill to the next progress is printed, and asserted only loosely (a hang
 * detector): it is election and metadata refresh, measured, not promised.
 */
@ExtendWith(RealServices.class)
class BrokerFailoverIT {
    private static final int EVENTS = 30_000;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void killingALeaderLosesNothingAcknowledgedAndStoresNothingTwice(ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        Path repo = RepositoryLayout.root();
        String topic = "failover-" + Long.toHexString(System.nanoTime());
        try (KafkaClusterProcesses cluster = KafkaClusterProcesses.start(dir)) {
            KafkaService kafka = KafkaService.connect(cluster.bootstrapServers());

            // (a) the producer, its partition leader killed mid-run
            try (JavaProcess producer = JavaProcess.jar(
                    repo.resolve("producer/target/clickstream-producer.jar"),
                    dir.resolve("producer.log"),
                    List.of(
                            "--bootstrap-servers", cluster.bootstrapServers(),
                            "--topic", topic,
                            "--partitions", "6",
                            "--replication-factor", "3",
                            "--rate", "1500",
                            "--count", Integer.toString(EVENTS),
                            "--seed", "25",
                            "--progress-interval", "1s"))) {
                Await.untilTrue(
                        "a quarter of the events on the topic",
                        Await.HANG,
                        () -> onTopic(kafka, topic) >= EVENTS / 4,
                        producer::tail);
                int leader = cluster.leaderOf(topic, 0);
                long before = onTopic(kafka, topic);
                long killedAt = System.nanoTime();
                cluster.kill(leader);
                Await.untilTrue(
                        "the producer's events flowing again after the kill",
                        Await.HANG,
                        () -> onTopic(kafka, topic) > before + 1_000,
                        producer::tail);
                System.out.printf(
                        "[BrokerFailoverIT] producer: broker %d (leader of %s-0) killed at %,d events; %,d more"
                                + " acknowledged %.1f s later%n",
                        leader, topic, before, 1_000, (System.nanoTime() - killedAt) / 1e9);
                assertEquals(0, producer.waitFor(Await.HANG), "every event delivered:\n" + producer.tail());
                cluster.restart(leader);
            }
            cluster.awaitInSync(topic, 3, Await.HANG);
            String minIsr = topicConfig(kafka, topic, "min.insync.replicas");
            assertTrue(
                    minIsr.contains("value=2") && minIsr.contains("DYNAMIC_TOPIC_CONFIG"),
                    "the producer created the topic with min.insync.replicas 2 of its own: " + minIsr);
            List<ConsumerRecord<String, byte[]>> records = TopicContents.readAll(cluster.bootstrapServers(), topic);
            assertEquals(EVENTS, records.size(), "events on the topic");
            assertEquals(EVENTS, eventIds(records).size(), "distinct event ids: none written twice");

            // (b) the consumer, a partition leader killed mid-drain
            String db = ch.createDatabase("failover");
            try (JavaProcess consumer = JavaProcess.consumer(
                    repo,
                    dir.resolve("consumer.log"),
                    cluster.bootstrapServers(),
                    topic,
                    topic,
                    ch.jdbcUrl(db),
                    List.of("--replication-factor", "3", "--batch-max-wait", "1s", "--http-port", "-1"))) {
                Await.untilTrue(
                        "a third of the events stored", Await.HANG, () -> stored(ch, db) >= EVENTS / 3, consumer::tail);
                int leader = cluster.leaderOf(topic, 1);
                long before = stored(ch, db);
                long killedAt = System.nanoTime();
                cluster.kill(leader);
                Await.untilTrue(
                        "every event stored",
                        Await.HANG,
                        () -> stored(ch, db) >= EVENTS,
                        () -> consumer.tail() + "\n--- a live broker ---\n" + cluster.log(leader == 1 ? 2 : 1));
                System.out.printf(
                        "[BrokerFailoverIT] consumer: broker %d (leader of %s-1) killed at %,d stored; all %,d"
                                + " stored %.1f s later%n",
                        leader, topic, before, EVENTS, (System.nanoTime() - killedAt) / 1e9);
                CommittedOffsets.awaitCaughtUp(kafka, topic, topic, Await.HANG, consumer::tail);
            }
            assertEquals(EVENTS, stored(ch, db), "rows in ClickHouse");
            assertEquals(
                    EVENTS,
                    ch.queryLong("SELECT uniqExact(event_id) FROM " + db + ".events"),
                    "distinct event ids: none stored twice");
        }
    }

    /**
     * (c) The collector jar under steady traffic (eight clients, one event per request, each with
     * its own event id) while the leader of a partition is killed: every event answered 202 is on
     * the topic exactly once, none is on it twice, and every request is answered. Requests made
     * while the partition has no leader may be answered 503 (the page retries them); such an
     * event may still be on the topic once (stored, its answer lost to the timeout).
     */
    @Test
    void killingALeaderUnderCollectorTrafficLosesNoAcceptedEvent(@TempDir Path dir) throws Exception {
        Path repo = RepositoryLayout.root();
        String topic = "failover-collector-" + Long.toHexString(System.nanoTime());
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (KafkaClusterProcesses cluster = KafkaClusterProcesses.start(dir);
                JavaProcess collector = JavaProcess.collector(
                        repo,
                        dir.resolve("collector.log"),
                        cluster.bootstrapServers(),
                        topic,
                        port,
                        List.of("--partitions", "3", "--replication-factor", "3"))) {
            HttpClient http = HttpClient.newHttpClient();
            String base = "http://127.0.0.1:" + port;
            Await.untilTrue(
                    "the collector healthy", Await.HANG, () -> get(http, base + "/health") == 200, collector::tail);

            ConcurrentHashMap<String, Integer> answers = new ConcurrentHashMap<>();
            AtomicBoolean sending = new AtomicBoolean(true);
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<?>> loops = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                loops.add(clients.submit(() -> {
                    for (int i = 0; sending.get(); i++) {
                        String id = UUID.randomUUID().toString();
                        String body = "{\"event_id\":\"" + id + "\",\"event_type\":\"page_view\",\"user_id\":\"u"
                                + client + "-" + i + "\",\"product_id\":\"p\",\"price\":0}";
                        answers.put(id, post(http, base + "/v1/events", body));
                    }
                    return null;
                }));
            }
            Await.untilTrue(
                    "500 events accepted",
                    Await.HANG,
                    () -> answers.values().stream().filter(a -> a == 202).count() >= 500,
                    collector::tail);
            int leader = cluster.leaderOf(topic, 0);
            long acceptedBefore =
                    answers.values().stream().filter(a -> a == 202).count();
            long killedAt = System.nanoTime();
            cluster.kill(leader);
            Await.untilTrue(
                    "2,000 more events accepted after the kill",
                    Await.HANG,
                    () -> answers.values().stream().filter(a -> a == 202).count() >= acceptedBefore + 2_000,
                    collector::tail);
            double recovered = (System.nanoTime() - killedAt) / 1e9;
            sending.set(false);
            for (Future<?> loop : loops) {
                loop.get(Await.HANG.toSeconds(), TimeUnit.SECONDS); // every request answered
            }
            clients.shutdown();

            Map<String, Integer> onTopic = new HashMap<>();
            for (ConsumerRecord<String, byte[]> record : TopicContents.readAll(cluster.bootstrapServers(), topic)) {
                onTopic.merge(eventId(record), 1, Integer::sum);
            }
            Map<Integer, Long> byStatus = new TreeMap<>();
            answers.values().forEach(a -> byStatus.merge(a, 1L, Long::sum));
            List<String> lost = answers.entrySet().stream()
                    .filter(e -> e.getValue() == 202 && !onTopic.containsKey(e.getKey()))
                    .map(Map.Entry::getKey)
                    .toList();
            List<String> twice = onTopic.entrySet().stream()
                    .filter(e -> e.getValue() > 1)
                    .map(Map.Entry::getKey)
                    .toList();
            long storedDespiteRefusal = answers.entrySet().stream()
                    .filter(e -> e.getValue() != 202 && onTopic.containsKey(e.getKey()))
                    .count();
            System.out.printf(
                    "[BrokerFailoverIT] collector: broker %d (leader of %s-0) killed at %,d accepted; 2,000 more"
                            + " accepted %.1f s later; answers %s; %,d refused but stored%n",
                    leader, topic, acceptedBefore, recovered, byStatus, storedDespiteRefusal);
            assertEquals(List.of(), lost, "events answered 202 and not on the topic");
            assertEquals(List.of(), twice, "events on the topic twice");
            assertTrue(
                    byStatus.keySet().stream().allMatch(a -> a == 202 || a == 503),
                    "every answer 202 or 503 (retry later): " + byStatus);
            assertTrue(
                    onTopic.keySet().stream().allMatch(answers::containsKey), "nothing on the topic that was not sent");
        }
    }

    private static int get(HttpClient http, String url) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception notYet) {
            return 0;
        }
    }

    private static int post(HttpClient http, String url, String body) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url))
                                .header("Content-Type", "application/json")
                                .timeout(Await.HANG) // a hang detector: every request must be answered
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String eventId(ConsumerRecord<String, byte[]> record) throws IOException {
        return JSON.readTree(record.value()).get("event_id").asText();
    }

    private static Set<String> eventIds(List<ConsumerRecord<String, byte[]>> records) throws IOException {
        Set<String> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            ids.add(eventId(record));
        }
        return ids;
    }

    /** Records on the topic now; 0 while it is being created or a partition has no leader yet. */
    private static long onTopic(KafkaService kafka, String topic) {
        try {
            return CommittedOffsets.endOffsets(kafka, topic);
        } catch (Exception notNow) {
            return 0;
        }
    }

    private static String topicConfig(KafkaService kafka, String topic, String name) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
            org.apache.kafka.common.config.ConfigResource resource = new org.apache.kafka.common.config.ConfigResource(
                    org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            return admin.describeConfigs(List.of(resource))
                    .all()
                    .get()
                    .get(resource)
                    .get(name)
                    .toString();
        }
    }

    private static long stored(ClickHouseService ch, String db) {
        try {
            return ch.queryLong("SELECT count() FROM " + db + ".events");
        } catch (IllegalStateException notYet) {
            return 0; // the consumer has not created the table yet
        }
    }
}
