package io.clickstream.testsupport;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * How far a consumer group's committed offsets are behind the end of a topic. The consumer
 * commits an offset only after ClickHouse acknowledged every record before it, so a group
 * committed to the end of the topic has stored everything it will ever store of it: the moment to
 * count rows, instead of waiting "long enough" for stray extra rows to show up.
 */
public final class CommittedOffsets {
    private static final long ADMIN_TIMEOUT_SECONDS = 30;

    private CommittedOffsets() {}

    /** Records of {@code topic} past {@code group}'s committed offsets, summed over partitions. */
    public static long lag(KafkaService kafka, String group, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            return lag(admin, group, topic);
        }
    }

    private static long lag(Admin admin, String group, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = committedOffsets(admin, group);
        long lag = 0;
        for (Map.Entry<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> end :
                ends(admin, topic).entrySet()) {
            OffsetAndMetadata offset = committed.get(end.getKey());
            lag += end.getValue().offset() - (offset == null ? 0 : offset.offset());
        }
        return lag;
    }

    /** {@code group}'s committed offsets, summed over every partition it committed for. */
    public static long committed(KafkaService kafka, String group) throws Exception {
        try (Admin admin = kafka.admin()) {
            return committedOffsets(admin, group).values().stream()
                    .mapToLong(o -> o == null ? 0 : o.offset())
                    .sum();
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committedOffsets(Admin admin, String group) throws Exception {
        return admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** The end offsets of {@code topic}'s partitions, summed: how many records were ever written to it. */
    public static long endOffsets(KafkaService kafka, String topic) throws Exception {
        try (Admin admin = kafka.admin()) {
            return ends(admin, topic).values().stream()
                    .mapToLong(ListOffsetsResult.ListOffsetsResultInfo::offset)
                    .sum();
        }
    }

    private static Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends(Admin admin, String topic)
            throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS)
                .get(topic)
                .partitions()
                .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        return admin.listOffsets(latest).all().get(ADMIN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    }

    /** Waits until {@code group} has committed every record of {@code topic} written so far. */
    public static void awaitCaughtUp(
            KafkaService kafka, String group, String topic, Duration hangAfter, Supplier<String> context)
            throws InterruptedException {
        try (Admin admin = kafka.admin()) { // one client for every poll of the wait
            Await.until(
                    "group " + group + " committed to the end of " + topic + " (records behind)",
                    hangAfter,
                    () -> lag(admin, group, topic),
                    behind -> behind == 0,
                    context);
        }
    }
}
