package io.clickstream.consumer.processing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The next offset to commit per partition: one past the last record handled (buffered for
 * insert, dead-lettered, or skipped as already stored). Only committed after everything up to
 * it is durable: {@link #take()} hands the offsets over with their batch.
 */
public final class OffsetTracker {
    private final Map<TopicPartition, Long> next = new HashMap<>();

    public void handled(TopicPartition partition, long offset) {
        next.merge(partition, offset + 1, Math::max);
    }

    /**
     * What to commit once the records handled so far are durable (empty if none was handled);
     * the tracker starts afresh.
     */
    public Map<TopicPartition, OffsetAndMetadata> take() {
        Map<TopicPartition, OffsetAndMetadata> taken = new HashMap<>();
        next.forEach((partition, offset) -> taken.put(partition, new OffsetAndMetadata(offset)));
        next.clear();
        return taken;
    }

    /** Puts back offsets taken with a batch that was not stored (later offsets handled since win). */
    public void putBack(Map<TopicPartition, OffsetAndMetadata> taken) {
        taken.forEach((partition, offset) -> next.merge(partition, offset.offset(), Math::max));
    }

    public void forget(Collection<TopicPartition> partitions) {
        partitions.forEach(next::remove);
    }

    public boolean isEmpty() {
        return next.isEmpty();
    }
}
