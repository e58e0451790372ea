package io.clickstream.consumer.dedup;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.EventWriter.StoredRange;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.consumer.processing.PartitionSpan;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * Keeps records that are already stored out of inserts, with memory bounded by the batch.
 *
 * <p>On assignment, ClickHouse is asked for the highest stored offset at or after the
 * partition's position (one row back, whatever the table holds): the partition's
 * <em>horizon</em>. Records past the horizon cannot be stored yet and need no check. While a
 * batch holds records at or below the horizon (after a crash between insert and commit, a
 * changed group id or offsets reset to earliest), the stored offsets in that batch's range are
 * asked for, at most one batch of them, and those rows are dropped. So memory stays within one
 * batch, whatever the table holds. Used only on a block before its first attempt
 * ({@code BlockStore}): between attempts a lookup cannot tell whether one is still running.
 */
public final class StoredRecordFilter {
    private final EventWriter writer;
    /** Highest stored offset per partition; absent or -1: nothing at or after the position is stored. */
    private final Map<TopicPartition, Long> horizon = new HashMap<>();

    public StoredRecordFilter(EventWriter writer) {
        this.writer = writer;
    }

    /** Looks up what is stored of the partition from {@code position} on; returns how many records. */
    public long assigned(TopicPartition partition, UUID topicId, long position) throws WriteException {
        StoredRange range = writer.storedRange(partition.topic(), topicId, partition.partition(), position);
        horizon.put(partition, range.maxOffset());
        return range.count();
    }

    public void forget(TopicPartition partition) {
        horizon.remove(partition);
    }

    /** Removes from {@code rows} those already stored; returns how many were removed. */
    public int removeStored(List<EventRow> rows) throws WriteException {
        if (horizon.values().stream().allMatch(limit -> limit < 0)) {
            return 0; // the common case, every flush at the head: nothing can be stored already
        }
        int removed = 0;
        for (PartitionSpan span : PartitionSpan.of(rows)) {
            TopicPartition partition = new TopicPartition(span.topic(), span.partition());
            long limit = horizon.getOrDefault(partition, -1L);
            long from = span.from();
            long to = span.to();
            if (from > limit) {
                continue;
            }
            Set<Long> stored =
                    writer.storedOffsets(span.topic(), span.topicId(), span.partition(), from, Math.min(to, limit));
            int before = rows.size();
            rows.removeIf(r -> r.partition() == span.partition()
                    && r.topicId().equals(span.topicId())
                    && stored.contains(r.offset()));
            removed += before - rows.size();
            if (to >= limit) {
                horizon.put(partition, -1L); // past the horizon: nothing later can be stored already
            }
        }
        return removed;
    }
}
