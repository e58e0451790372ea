package io.clickstream.consumer.processing;

import io.clickstream.consumer.dedup.BatchToken;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;

/**
 * The unit of exactly-once (docs/consumer.md, "Blocks"): the records of one Kafka partition in
 * offsets {@code [start, end)}, stored by one insert under one deduplication token. {@code rows}
 * are the records of the range that decoded (the others were dead-lettered), minus any found
 * stored before the block was first attempted. Once attempted, a block never changes: every
 * retry sends these rows with this token, and a later owner of the partition forms the same
 * block again from the intent committed before the first attempt.
 *
 * @param reformedToken the token an earlier owner's intent named for this range, if this block
 *     re-forms it (null for a block formed here first)
 */
public record Block(
        TopicPartition partition,
        UUID topicId,
        long start,
        long end,
        List<EventRow> rows,
        String token,
        String reformedToken) {

    public Block {
        rows = List.copyOf(rows);
    }

    public static Block of(TopicPartition partition, UUID topicId, long start, long end, List<EventRow> rows) {
        return new Block(partition, topicId, start, end, rows, rows.isEmpty() ? null : BatchToken.of(rows), null);
    }

    /** The same range with other rows (stored ones removed before the first attempt). */
    public Block withRows(List<EventRow> kept) {
        return new Block(
                partition, topicId, start, end, kept, kept.isEmpty() ? null : BatchToken.of(kept), reformedToken);
    }

    public Block reforming(String intentToken) {
        return new Block(partition, topicId, start, end, rows, token, intentToken);
    }

    /** Nothing to insert: the range held only dead letters, or rows already stored; only its end is committed. */
    public boolean commitOnly() {
        return rows.isEmpty();
    }

    public long oldestEventMillis() {
        long oldest = Long.MAX_VALUE;
        for (EventRow row : rows) {
            oldest = Math.min(oldest, row.event().timestamp().toEpochMilli());
        }
        return oldest == Long.MAX_VALUE ? System.currentTimeMillis() : oldest;
    }

    @Override
    public String toString() {
        return partition + "[" + start + ", " + end + ") " + rows.size() + " rows";
    }
}
