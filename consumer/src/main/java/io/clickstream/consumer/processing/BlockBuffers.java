package io.clickstream.consumer.processing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers each assigned partition's records and cuts them into {@link Block}s. A partition's
 * block is due at {@code maxRows} rows or {@code maxWait} after its first record, whichever
 * comes first (the user's "1,000 rows or 5 seconds", per partition). Blocks are per partition
 * so that a partition's next owner can form the same block again: its range is named by offsets
 * alone. A partition assigned with an earlier owner's intent has its first block cut exactly at
 * the intent's end, whatever the row limit, so it holds the same records as the earlier attempt.
 * Memory: at most {@code maxRows} rows per assigned partition: a full partition takes no more
 * records until its block is taken.
 */
public final class BlockBuffers {
    private static final Logger LOG = LoggerFactory.getLogger(BlockBuffers.class);

    private static final class Buffer {
        final TopicPartition partition;
        final UUID topicId;
        final MicroBatcher rows;
        /** The first offset not yet in a block: the partition's committed offset once the blocks before are stored. */
        long start;
        /** One past the last record handled. */
        long next;
        /** An earlier owner's intent: the first block ends here ({@code -1}: none). */
        long cut = -1;

        String cutToken;
        /** A block cut at an intent's end, waiting to be taken. */
        Block sealed;

        Buffer(TopicPartition partition, UUID topicId, MicroBatcher rows, long start) {
            this.partition = partition;
            this.topicId = topicId;
            this.rows = rows;
            this.start = start;
            this.next = start;
        }
    }

    private final Map<TopicPartition, Buffer> buffers = new LinkedHashMap<>();
    private final Duration maxWait;
    private final LongSupplier nanoClock;
    private int maxRows;

    public BlockBuffers(int maxRows, Duration maxWait, LongSupplier nanoClock) {
        this.maxRows = maxRows;
        this.maxWait = maxWait;
        this.nanoClock = nanoClock;
    }

    /** The row limit of blocks from now on (catch-up, {@link CatchUpPolicy}). */
    public void maxRows(int rows) {
        maxRows = rows;
        buffers.values().forEach(b -> b.rows.maxRows(rows));
    }

    /**
     * The partition is ours from {@code position}. {@code cutAt} is the end an earlier owner's
     * intent named ({@code -1}: none), with the token of the block it may have sent.
     */
    public void assigned(TopicPartition partition, UUID topicId, long position, long cutAt, String cutToken) {
        Buffer buffer = new Buffer(partition, topicId, new MicroBatcher(maxRows, maxWait, nanoClock), position);
        if (cutAt > position) {
            buffer.cut = cutAt;
            buffer.cutToken = cutToken;
        }
        buffers.put(partition, buffer);
    }

    public boolean owns(TopicPartition partition) {
        return buffers.containsKey(partition);
    }

    public UUID topicId(TopicPartition partition) {
        return buffers.get(partition).topicId;
    }

    /** Buffers a decoded record. */
    public void add(TopicPartition partition, EventRow row) {
        Buffer buffer = beforeRecord(partition, row.offset());
        buffer.rows.add(row);
        afterRecord(buffer, row.offset());
    }

    /** A record that needs no row (dead-lettered): its offset is handled, its block's clock started. */
    public void skip(TopicPartition partition, long offset) {
        Buffer buffer = beforeRecord(partition, offset);
        buffer.rows.touch();
        afterRecord(buffer, offset);
    }

    /** Starts the partition's clock: an empty block is due after the wait, to commit {@code start} again. */
    public void recommit(TopicPartition partition) {
        Buffer buffer = buffers.get(partition);
        if (buffer != null) {
            buffer.rows.touch();
        }
    }

    private Buffer beforeRecord(TopicPartition partition, long offset) {
        Buffer buffer = buffers.get(partition);
        if (buffer.cut >= 0 && offset >= buffer.cut) {
            seal(buffer, buffer.cut); // records below the cut are gone (deleted by retention): cut anyway
        }
        return buffer;
    }

    private void afterRecord(Buffer buffer, long offset) {
        buffer.next = offset + 1;
        if (buffer.cut >= 0 && buffer.next >= buffer.cut) {
            seal(buffer, buffer.cut);
        }
    }

    /** Cuts the buffered records into a block ending at {@code end}. */
    private Block seal(Buffer buffer, long end) {
        Block block = Block.of(buffer.partition, buffer.topicId, buffer.start, end, buffer.rows.take());
        buffer.start = end;
        if (buffer.cut >= 0) {
            block = block.reforming(buffer.cutToken);
            buffer.cut = -1;
            buffer.cutToken = null;
            buffer.sealed = block; // taken at the next flush, whatever the limits
        }
        return block;
    }

    /**
     * Whether the partition's block cannot take another record: at its row limit, or cut at an
     * earlier owner's intent and waiting to be taken.
     */
    public boolean isFull(TopicPartition partition) {
        Buffer buffer = buffers.get(partition);
        return buffer != null && full(buffer);
    }

    /** Whether every partition's block is full: nothing more can be read until one is taken. */
    public boolean allFull() {
        for (Buffer buffer : buffers.values()) {
            if (!full(buffer)) {
                return false;
            }
        }
        return !buffers.isEmpty();
    }

    private static boolean full(Buffer buffer) {
        return buffer.sealed != null || (buffer.cut < 0 && buffer.rows.isFull());
    }

    /** Nanoseconds until the first block falls due; {@code Long.MAX_VALUE} while nothing is buffered. */
    public long nanosUntilDue() {
        long until = Long.MAX_VALUE;
        for (Buffer buffer : buffers.values()) {
            if (buffer.sealed != null) {
                return 0;
            }
            // A block being re-formed is taken when its cut is reached, whatever its size; its time
            // trigger still counts, so that takeDue can find the partition at its end (records gone).
            until = Math.min(until, full(buffer) ? 0 : buffer.rows.nanosUntilDue());
        }
        return until;
    }

    /**
     * Takes the blocks that are due (all that hold anything if {@code all}), at most one per
     * partition. A block being re-formed is taken only once cut at its intent's end; if that end
     * is not reached when the block falls due and the partition has no more records
     * ({@code atLogEnd}), the records below it are gone and the block is cut where reading ended.
     */
    public List<Block> takeDue(boolean all, Predicate<TopicPartition> atLogEnd) {
        List<Block> due = new ArrayList<>();
        for (Buffer buffer : buffers.values()) {
            if (buffer.sealed != null) {
                due.add(buffer.sealed);
                buffer.sealed = null;
            } else if (buffer.cut >= 0) {
                if (buffer.rows.flushDue() && atLogEnd.test(buffer.partition)) {
                    LOG.warn(
                            "{}: an earlier owner's intent ends at offset {}, the partition ends at {}: records were"
                                    + " removed (retention or an unclean leader election); storing what is there",
                            buffer.partition,
                            buffer.cut,
                            buffer.next);
                    buffer.cut = -1;
                    due.add(seal(buffer, buffer.next).reforming(buffer.cutToken));
                    buffer.cutToken = null;
                }
            } else if (buffer.rows.started() && (all || buffer.rows.flushDue())) {
                due.add(seal(buffer, buffer.next));
            }
        }
        return due;
    }

    /** Drops the partitions' buffers (uncommitted: the next owner reads them); returns how many rows. */
    public int release(Collection<TopicPartition> partitions) {
        int dropped = 0;
        for (TopicPartition partition : partitions) {
            Buffer buffer = buffers.remove(partition);
            if (buffer != null) {
                dropped += buffer.rows.size()
                        + (buffer.sealed == null ? 0 : buffer.sealed.rows().size());
            }
        }
        return dropped;
    }

    /** Rows buffered, over all partitions. */
    public int size() {
        int size = 0;
        for (Buffer buffer : buffers.values()) {
            size += buffer.rows.size()
                    + (buffer.sealed == null ? 0 : buffer.sealed.rows().size());
        }
        return size;
    }

    /**
     * Whether nothing handled (rows, dead letters, a commit to make again) awaits a block that can
     * be taken now. A block being re-formed whose cut is not reached does not count: it stays
     * uncommitted, and the partition's next owner forms it.
     */
    public boolean isEmpty() {
        for (Buffer buffer : buffers.values()) {
            if (buffer.sealed != null || (buffer.cut < 0 && buffer.rows.started())) {
                return false;
            }
        }
        return true;
    }
}
