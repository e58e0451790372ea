package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dedup.StoredRecordFilter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.EventCodec;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a batch exactly once (docs/consumer.md, "The guarantee"): drops the rows found already
 * stored ({@link StoredRecordFilter}), inserts the rest with their deduplication token
 * ({@link IsolatingInserter}), and after a failure that may have stored them, makes the retry
 * safe: the same rows go again with the same token, or, if the batch changed meanwhile, its rows
 * are looked up first.
 */
final class BatchStore {
    private static final Logger LOG = LoggerFactory.getLogger(BatchStore.class);

    /** Rows sent by an attempt that failed ambiguously; {@code token} null if the batch was split into several inserts. */
    private record FailedAttempt(List<EventRow> rows, String token) {}

    private final StoredRecordFilter storedRecords;
    private final IsolatingInserter inserter;
    private final IngestMetrics metrics;
    private FailedAttempt uncertain;

    BatchStore(EventWriter writer, DeadLetterPublisher deadLetters, EventCodec codec, IngestMetrics metrics) {
        this.storedRecords = new StoredRecordFilter(writer);
        this.inserter = new IsolatingInserter(writer, deadLetters, codec, metrics);
        this.metrics = metrics;
    }

    /** On assignment: how many records of the partition from {@code position} on are stored already. */
    long assigned(TopicPartition partition, UUID topicId, long position) throws WriteException {
        return storedRecords.assigned(partition, topicId, position);
    }

    /**
     * Marks {@code rows} as possibly stored, so the next {@link #store} looks them up: they were
     * stored, but the batch could not be committed (its dead letters were not acknowledged).
     */
    void mayBeStored(List<EventRow> rows) {
        storedRecords.mayBeStored(rows);
    }

    void released(TopicPartition partition) {
        storedRecords.forget(partition);
    }

    /**
     * Stores {@code batch} (the live batch: rows found stored are removed from it).
     *
     * @throws WriteException RETRIABLE (retry with the same batch) or FATAL; DATA never escapes
     */
    void store(List<EventRow> batch) throws WriteException {
        int rows = batch.size();
        if (uncertain != null && !IsolatingInserter.tokenOf(batch).equals(uncertain.token())) {
            // The batch changed since an attempt that may have stored it (partitions were
            // revoked, or it was split): the same token cannot protect it, so look its rows up.
            storedRecords.mayBeStored(uncertain.rows());
        }
        int skipped = storedRecords.removeStored(batch);
        if (skipped > 0) {
            metrics.duplicatesSkipped.add(skipped);
            LOG.info("{} of {} rows are already stored; inserting the other {}", skipped, rows, batch.size());
        }
        if (batch.isEmpty()) {
            uncertain = null;
            return;
        }
        List<EventRow> sent = List.copyOf(batch);
        try {
            inserter.insert(sent);
            uncertain = null;
        } catch (WriteException e) {
            uncertain = new FailedAttempt(sent, inserter.wasSplit() ? null : IsolatingInserter.tokenOf(sent));
            throw e;
        }
    }
}
