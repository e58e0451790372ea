package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.processing.EventRow;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * At most one insert in flight beside the polling thread: while ClickHouse stores one batch,
 * the ingest loop polls and decodes the next. The loop hands a batch over with the offsets
 * that become committable once its rows are stored, and takes the outcome back before it
 * commits or hands over the next batch, so commits stay in order and {@link BatchStore} is
 * never used by two threads at once.
 */
final class InsertPipeline {
    /** A batch handed to the insert thread, with what the loop needs when it comes back. */
    record Batch(
            List<EventRow> rows,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            int size,
            long oldestEventMillis,
            long handedOverNanos) {}

    /** A finished insert: {@code failure} is null when the batch's rows are stored. */
    record Outcome(Batch batch, WriteException failure) {}

    private final BatchStore store;
    private final Executor executor;
    private Batch inFlight;
    private CompletableFuture<WriteException> result;

    /** @param executor runs the inserts, one at a time (a single thread; tests may run them in place) */
    InsertPipeline(BatchStore store, Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    /** Starts storing {@code batch} (its rows list is the store's from now on: rows found stored are removed). */
    void submit(Batch batch) {
        if (inFlight != null) {
            throw new IllegalStateException("an insert is already in flight");
        }
        inFlight = batch;
        result = CompletableFuture.supplyAsync(() -> attempt(batch.rows()), executor);
    }

    private WriteException attempt(List<EventRow> rows) {
        try {
            store.store(rows);
            return null;
        } catch (WriteException e) {
            return e;
        }
    }

    /** Whether an insert was handed over and its outcome not yet taken back. */
    boolean busy() {
        return inFlight != null;
    }

    /** Whether the insert in flight has finished (its outcome can be taken without waiting). */
    boolean finished() {
        return inFlight != null && result.isDone();
    }

    /**
     * Waits for the insert in flight (bounded by the ClickHouse client's socket timeout) and
     * takes its outcome; null if none is in flight. A bug in the insert thread is rethrown.
     */
    Outcome await() {
        if (inFlight == null) {
            return null;
        }
        try {
            return new Outcome(inFlight, result.join());
        } finally {
            inFlight = null;
            result = null;
        }
    }
}
