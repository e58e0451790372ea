package io.clickstream.consumer.erasure;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;

/** {@link KafkaPositions} from Kafka's Admin API, each call bounded. */
public final class AdminKafkaPositions implements KafkaPositions, AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);

    private final Admin admin;
    private final String topic;
    private final String group;

    public AdminKafkaPositions(String bootstrapServers, String topic, String group) {
        Properties config = new Properties();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "clickstream-erase-customer");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        this.admin = Admin.create(config);
        this.topic = topic;
        this.group = group;
    }

    @Override
    public Horizon endOffsets() throws CustomerErasure.ErasureException {
        TopicDescription description = call(
                        "describe topic " + topic,
                        () -> admin.describeTopics(List.of(topic)).allTopicNames())
                .get(topic);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (TopicPartitionInfo p : description.partitions()) {
            latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest());
        }
        Map<Integer, Long> ends = new TreeMap<>();
        call("list the end offsets of " + topic, () -> admin.listOffsets(latest).all())
                .forEach((partition, info) -> ends.put(partition.partition(), info.offset()));
        UUID id = new UUID(
                description.topicId().getMostSignificantBits(),
                description.topicId().getLeastSignificantBits());
        return new Horizon(id, ends);
    }

    @Override
    public Map<Integer, Long> committed() throws CustomerErasure.ErasureException {
        Map<TopicPartition, OffsetAndMetadata> offsets = call(
                "list the committed offsets of group " + group,
                () -> admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        Map<Integer, Long> committed = new TreeMap<>();
        offsets.forEach((partition, offset) -> {
            if (partition.topic().equals(topic) && offset != null) {
                committed.put(partition.partition(), offset.offset());
            }
        });
        return committed;
    }

    private interface Call<T> {
        org.apache.kafka.common.KafkaFuture<T> start();
    }

    private static <T> T call(String what, Call<T> call) throws CustomerErasure.ErasureException {
        try {
            return call.start().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new CustomerErasure.ErasureException("Kafka: cannot " + what + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new CustomerErasure.ErasureException("Kafka: no answer to " + what + " in " + TIMEOUT, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CustomerErasure.ErasureException("interrupted: " + what, e);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
    }
}
