package io.clickstream.testsupport;

import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/** A real Kafka broker for integration tests; one per test JVM, shared by all tests. */
public final class KafkaService {
    private final String bootstrapServers;
    private final ServiceSource source;

    KafkaService(String bootstrapServers, ServiceSource source) {
        this.bootstrapServers = bootstrapServers;
        this.source = source;
    }

    /** An existing broker (e.g. for a benchmark run by hand). */
    public static KafkaService connect(String bootstrapServers) {
        return new KafkaService(bootstrapServers, ServiceSource.ENVIRONMENT);
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public ServiceSource source() {
        return source;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** A topic name no other test uses: {@code prefix-<random>}. */
    public static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a fresh topic with a unique name and returns the name. */
    public String createTopic(String prefix, int partitions) {
        String topic = uniqueName(prefix);
        createTopicNamed(topic, partitions);
        return topic;
    }

    /** Creates {@code topic} with {@code partitions} partitions, replication factor 1. */
    public void createTopicNamed(String topic, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            awaitLeaders(admin, topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + topic, e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topic " + topic + " on " + bootstrapServers, e.getCause());
        }
    }

    /** Created is not yet writable: waits until every partition has a leader, so first sends do not stall. */
    private void awaitLeaders(Admin admin, String topic) throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                boolean ready = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                        .stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty() && !p.isr().isEmpty());
                if (ready) {
                    Thread.sleep(200);  // the leader's broker applies the change a moment after the controller
                    return;
                }
            } catch (ExecutionException notYetVisible) {
                if (System.nanoTime() > deadline) {
                    throw notYetVisible;
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("topic " + topic + " has partitions without a leader after 30 s");
            }
            Thread.sleep(50);
        }
    }

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers + " (" + source + ")";
    }
}
