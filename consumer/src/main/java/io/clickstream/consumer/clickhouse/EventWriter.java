package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.processing.EventRow;
import java.util.List;
import java.util.Set;

/** The sink: where batches go and how to tell what is already there. ClickHouse in production. */
public interface EventWriter {
    /** Stores all rows or throws; a thrown RETRIABLE failure may still have stored some or all of them. */
    void write(List<EventRow> rows) throws WriteException;

    /** Offsets at or after {@code fromOffset} of the partition that are already stored. */
    Set<Long> storedOffsets(String topic, int partition, long fromOffset) throws WriteException;
}
