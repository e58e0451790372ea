package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.erasure.ErasureList;
import io.clickstream.consumer.processing.EventRow;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The sink: where batches go and how to tell what is already there. ClickHouse in production.
 * Stored records are identified by (topic ID, partition, offset); rows stored before topic IDs
 * were recorded carry the nil UUID and are matched by topic name.
 */
public interface EventWriter {
    /**
     * Stores all rows as one insert, or throws. The same {@code deduplicationToken} sent again
     * within the table's deduplication window is dropped by the sink, so re-sending a batch whose
     * answer was lost stores nothing twice. A thrown RETRIABLE failure may still have stored the rows.
     */
    void write(List<EventRow> rows, String deduplicationToken) throws WriteException;

    /** How many records of the partition at or after {@code fromOffset} are stored, and the highest of them. */
    StoredRange storedRange(String topic, UUID topicId, int partition, long fromOffset) throws WriteException;

    /** The offsets in {@code [fromOffset, toOffset]} of the partition that are stored: at most {@code toOffset - fromOffset + 1}. */
    Set<Long> storedOffsets(String topic, UUID topicId, int partition, long fromOffset, long toOffset)
            throws WriteException;

    /** The erased ids (table {@code erasures}); none where the table does not exist (a schema not applied since). */
    default List<ErasureList.Entry> erasures() throws WriteException {
        return List.of();
    }

    /** Stored records of one partition from some offset on: {@code count} of them, the highest {@code maxOffset} (-1 if none). */
    record StoredRange(long count, long maxOffset) {
        public static final StoredRange NONE = new StoredRange(0, -1);
    }
}
