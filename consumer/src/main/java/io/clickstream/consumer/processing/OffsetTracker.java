package io.clickstream.consumer.processing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The next offset to commit per partition: one past the last record handled (buffered for
 * insert, dead-lettered, or skipped as already stored). Only committed after everything up to
 * it is durable, i.e. at a successful flush.
 */
public final class OffsetTracker {
    private final Map<TopicPartition, Long> next = new HashMap<>();

    public void handled(TopicPartition partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }

    /** What to commit now; empty if nothing was handled since the last commit. */
    public Map<TopicPartition, OffsetAndMetadata> pending() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        next.forEach((partition, offset) -> offsets.put(partition, new OffsetAndMetadata(offset)));
        return offsets;
    }

    public void committed() {
        next.clear();
    }

    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(next::remove);
    }

    public boolean isEmpty() {
        return next.isEmpty();
    }
}
