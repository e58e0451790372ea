package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.processing.Block;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * At most one flush in flight beside the polling thread: while ClickHouse stores one flush's
 * blocks, the ingest loop polls and decodes the next records. The loop takes the outcome back
 * before it commits or hands over anything else, so commits stay in order and
 * {@link BlockStore} is never used by two threads at once.
 */
final class InsertPipeline {
    /** Blocks handed to the insert thread together (at most one per partition), stored in order. */
    record Flush(List<Block> blocks, long handedOverNanos) {
        int rows() {
            return blocks.stream().mapToInt(b -> b.rows().size()).sum();
        }

        long oldestEventMillis() {
            return blocks.stream().mapToLong(Block::oldestEventMillis).min().orElse(System.currentTimeMillis());
        }
    }

    /**
     * A finished flush: {@code failure} is null when every block is stored; otherwise it says why
     * one was not, and the blocks before it are stored (sending them again is harmless: same tokens).
     */
    record Outcome(Flush flush, WriteException failure) {}

    private final BlockStore store;
    private final Executor executor;
    private Flush inFlight;
    private CompletableFuture<Outcome> result;

    /** @param executor runs the inserts, one at a time (a single thread; tests may run them in place) */
    InsertPipeline(BlockStore store, Executor executor) {
        this.store = store;
        this.executor = executor;
    }

    /** Starts storing the flush's blocks, one insert each, in order. */
    void submit(Flush flush) {
        if (inFlight != null) {
            throw new IllegalStateException("an insert is already in flight");
        }
        inFlight = flush;
        result = CompletableFuture.supplyAsync(() -> attempt(flush), executor);
    }

    private Outcome attempt(Flush flush) {
        try {
            for (Block block : flush.blocks()) {
                if (!block.commitOnly()) {
                    store.store(block);
                }
            }
            return new Outcome(flush, null);
        } catch (WriteException e) {
            return new Outcome(flush, e);
        }
    }

    /** Whether a flush was handed over and its outcome not yet taken back. */
    boolean busy() {
        return inFlight != null;
    }

    /** Rows of the flush in flight (0 if none). */
    int rowsInFlight() {
        return inFlight == null ? 0 : inFlight.rows();
    }

    /** Whether the flush in flight has finished (its outcome can be taken without waiting). */
    boolean finished() {
        return inFlight != null && result.isDone();
    }

    /**
     * Waits for the flush in flight (each insert bounded by the ClickHouse client's socket
     * timeout) and takes its outcome; null if none is in flight. A bug in the insert thread is rethrown.
     */
    Outcome await() {
        if (inFlight == null) {
            return null;
        }
        try {
            return result.join();
        } finally {
            inFlight = null;
            result = null;
        }
    }
}
