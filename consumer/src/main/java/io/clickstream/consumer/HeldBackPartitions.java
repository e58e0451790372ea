package io.clickstream.consumer;

import io.clickstream.consumer.processing.BlockBuffers;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * Backpressure while an insert is in flight: when a partition's block is full and cannot be
 * handed over yet, the records of that partition a poll returned beyond it are held here, in
 * order, and the partition is paused, instead of making the poll loop wait for the insert; the
 * other partitions are read and decoded meanwhile. Once the block has been handed over, the held
 * records are handled first, then the partition is resumed. Memory: at most what one poll
 * returned per partition, besides its block.
 */
final class HeldBackPartitions {
    private final Consumer<byte[], byte[]> consumer;
    private final Map<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> held = new LinkedHashMap<>();

    HeldBackPartitions(Consumer<byte[], byte[]> consumer) {
        this.consumer = consumer;
    }

    /** Whether records of the partition are held: later ones must wait behind them. */
    boolean holds(TopicPartition partition) {
        return held.containsKey(partition);
    }

    /** Holds the records (the partition's next ones, in order) and pauses the partition. */
    void hold(TopicPartition partition, List<ConsumerRecord<byte[], byte[]>> records) {
        held.computeIfAbsent(partition, p -> new ArrayDeque<>()).addAll(records);
        consumer.pause(List.of(partition));
    }

    /**
     * Handles held records of partitions whose block has room again, in order, until the block
     * is full again; a partition with nothing held any more is resumed, unless {@code mayResume}
     * is false (an outage pauses everything and resumes it when it ends).
     *
     * @return how many records were handled
     */
    int handleHeld(BlockBuffers buffers, RecordHandler handler, boolean mayResume) {
        int handled = 0;
        for (Iterator<Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>>> it =
                        held.entrySet().iterator();
                it.hasNext(); ) {
            Map.Entry<TopicPartition, ArrayDeque<ConsumerRecord<byte[], byte[]>>> entry = it.next();
            TopicPartition partition = entry.getKey();
            ArrayDeque<ConsumerRecord<byte[], byte[]>> records = entry.getValue();
            while (!records.isEmpty() && !buffers.isFull(partition)) {
                handler.handle(partition, records.poll());
                handled++;
            }
            if (records.isEmpty()) {
                it.remove();
                if (mayResume) {
                    consumer.resume(List.of(partition));
                }
            }
        }
        return handled;
    }

    /** Drops the held records of partitions that are gone or read again from elsewhere (uncommitted). */
    void forget(Collection<TopicPartition> partitions) {
        held.keySet().removeAll(partitions);
    }

    int size() {
        return held.values().stream().mapToInt(ArrayDeque::size).sum();
    }
}
