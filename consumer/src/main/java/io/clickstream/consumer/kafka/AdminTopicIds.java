package io.clickstream.consumer.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;

/** Topic IDs from Kafka's Admin API (describeTopics), each call bounded. */
public final class AdminTopicIds implements TopicIds, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final Admin admin;

    public AdminTopicIds(String bootstrapServers) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "clickstream-consumer-topic-ids");
        // One bound for every call, retries included: the caller retries later with backoff.
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.admin = Admin.create(config);
    }

    @Override
    public UUID of(String topic) throws TopicIdUnavailableException {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic);
            Uuid id = description.topicId();
            if (id == null || Uuid.ZERO_UUID.equals(id)) {
                throw new TopicIdUnavailableException("Kafka reported no topic ID for " + topic, null);
            }
            return new UUID(id.getMostSignificantBits(), id.getLeastSignificantBits());
        } catch (ExecutionException e) {
            throw new TopicIdUnavailableException("cannot describe topic " + topic + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicIdUnavailableException("no answer describing topic " + topic + " in " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicIdUnavailableException("interrupted describing topic " + topic, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
