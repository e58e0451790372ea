package io.clickstream.consumer;

import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Backpressure while an insert is in flight: a partition whose block reached its row limit is
 * held back (paused, its position moved back to the first record not buffered) instead of
 * making the poll loop wait for the insert, so the other partitions are read and decoded
 * meanwhile. It is resumed once its block has been handed over. Memory stays at one block per
 * partition plus the flush in flight.
 */
final class HeldBackPartitions {
    private final Consumer<?, ?> consumer;
    private final Set<TopicPartition> held = new HashSet<>();

    HeldBackPartitions(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** The partition's block is full: read it again from {@code offset} once there is room. */
    void holdBack(TopicPartition partition, long offset) {
        consumer.seek(partition, offset);
        consumer.pause(List.of(partition));
        held.add(partition);
    }

    /**
     * Resumes the held-back partitions that have room again. Partitions no longer {@code owned}
     * are forgotten: whoever opens their buffers again (a lookup) resumes them.
     */
    void resume(Predicate<TopicPartition> owned, Predicate<TopicPartition> hasRoom) {
        for (Iterator<TopicPartition> it = held.iterator(); it.hasNext(); ) {
            TopicPartition partition = it.next();
            if (!owned.test(partition)) {
                it.remove();
            } else if (hasRoom.test(partition)) {
                consumer.resume(List.of(partition));
                it.remove();
            }
        }
    }
}
