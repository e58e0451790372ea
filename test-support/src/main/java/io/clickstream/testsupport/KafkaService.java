package io.clickstream.testsupport;

import io.clickstream.service.kafka.KafkaUnavailableException;
import io.clickstream.service.kafka.TopicInitializer;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

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

    /**
     * Creates {@code topic} with {@code partitions} partitions, replication factor 1, and waits
     * until it is writable, the way the services create theirs.
     */
    public void createTopicNamed(String topic, int partitions) {
        try {
            TopicInitializer.ensureTopic(bootstrapServers, topic, partitions, (short) 1);
        } catch (KafkaUnavailableException e) {
            throw new IllegalStateException(e.getMessage(), e.getCause());
        }
    }

    @Override
    public String toString() {
        return "Kafka at " + bootstrapServers + " (" + source + ")";
    }
}
