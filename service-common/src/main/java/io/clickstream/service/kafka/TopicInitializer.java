package io.clickstream.service.kafka;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Makes sure the events topic exists with the wanted number of partitions. */
public final class TopicInitializer {
    private static final Logger LOG = LoggerFactory.getLogger(TopicInitializer.class);
    private static final long TIMEOUT_SECONDS = 30;

    private TopicInitializer() {}

    /**
     * Creates {@code topic} if missing. An existing topic is left alone; if it has fewer
     * partitions than asked, a warning says what that means and how to add partitions.
     *
     * @return the topic's partition count
     */
    public static int ensureTopic(String bootstrapServers, String topic, int partitions, short replicationFactor)
            throws KafkaUnavailableException {
        try (Admin admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS)))) {
            Optional<TopicDescription> existing = describe(admin, topic);
            if (existing.isEmpty()) {
                Map<String, String> configs = topicConfig(replicationFactor);
                try {
                    admin.createTopics(List.of(new NewTopic(topic, partitions, replicationFactor).configs(configs)))
                            .all()
                            .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    awaitLeaders(admin, topic);
                    LOG.info(
                            "created topic {} with {} partitions (replication factor {}{})",
                            topic,
                            partitions,
                            replicationFactor,
                            configs.isEmpty() ? "" : ", " + configs);
                    return partitions;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    existing = describe(admin, topic); // created concurrently by someone else
                }
            }
            int actual = existing.map(d -> d.partitions().size()).orElse(partitions);
            if (actual < partitions) {
                LOG.warn(
                        "topic {} exists with {} partitions, fewer than the {} requested: per-user order is kept, but at most {}"
                                + " consumers can share the load. To add partitions: kafka-topics.sh --alter --topic {} --partitions {}"
                                + " (existing users then move to other partitions)",
                        topic,
                        actual,
                        partitions,
                        actual,
                        topic,
                        partitions);
            } else {
                LOG.info("topic {} exists with {} partitions", topic, actual);
            }
            return actual;
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw new KafkaUnavailableException(
                    "cannot create or describe topic " + topic + " at " + bootstrapServers + ": " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while preparing topic " + topic, e);
        }
    }

    /**
     * With three replicas or more, a write (acks=all, which every publisher here uses) is
     * acknowledged once two of them have it: one broker may fail, or restart, without losing an
     * acknowledged event or stopping writes. Fewer replicas: the broker's default.
     */
    static Map<String, String> topicConfig(short replicationFactor) {
        return replicationFactor >= 3 ? Map.of("min.insync.replicas", "2") : Map.of();
    }

    /**
     * A created topic is not writable until every partition has a leader and an in-sync replica: sending earlier earns
     * NOT_LEADER_OR_FOLLOWER answers that an idempotent producer with several batches in flight
     * may not recover from before its delivery timeout.
     */
    private static void awaitLeaders(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (System.nanoTime() < deadline) {
            Optional<TopicDescription> description = describe(admin, topic);
            if (description.isPresent()
                    && description.get().partitions().stream()
                            .allMatch(p -> p.leader() != null
                                    && !p.leader().isEmpty()
                                    && !p.isr().isEmpty())) {
                Thread.sleep(200); // the leader's broker applies the change a moment after the controller
                return;
            }
            Thread.sleep(50);
        }
        throw new TimeoutException(
                "topic " + topic + " has partitions without a leader after " + TIMEOUT_SECONDS + " s");
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            return Optional.of(admin.describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
