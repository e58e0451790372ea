package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.UnknownCodeLimit;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.dlq.DeadLetterPublisher.DeadLetterException;
import io.clickstream.consumer.kafka.OwnershipFence;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Block;
import io.clickstream.consumer.processing.BlockBuffers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The write side of the loop: hands blocks over to the insert thread and takes them back, in
 * order. Per flush: blocks never attempted are prepared ({@link BlockStore#prepare}); their
 * intents are committed ({@link OwnershipFence}), and only if the group accepts them are they
 * inserted; once stored (and their dead letters acknowledged) their ends are committed. A flush
 * that fails waits in the {@link InsertOutage} and is sent again exactly as it was; nothing else
 * is handed over meanwhile.
 */
final class BlockFlusher {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);

    private final Consumer<?, ?> consumer;
    private final BlockBuffers buffers;
    private final HeldBackPartitions heldBack;
    private final BlockStore store;
    private final InsertPipeline inserts;
    private final OwnershipFence fence;
    private final AssignmentLookup lookups;
    private final InsertOutage outage;
    private final DeadLetterPublisher deadLetters;
    private final IngestMetrics metrics;
    private final IngestLog log;
    private final LongSupplier nanoClock;
    private final UnknownCodeLimit unknownCodes = new UnknownCodeLimit();
    /**
     * Ends of stored blocks not committed yet: they go with the next intents (one commit where two
     * would be: the next block of a partition starts where its stored block ends) or alone, by
     * {@link #commitStored()}, before the loop polls again.
     */
    private final Map<TopicPartition, OffsetAndMetadata> storedEnds = new HashMap<>();

    BlockFlusher(
            Consumer<?, ?> consumer,
            BlockBuffers buffers,
            HeldBackPartitions heldBack,
            BlockStore store,
            InsertPipeline inserts,
            AssignmentLookup lookups,
            InsertOutage outage,
            DeadLetterPublisher deadLetters,
            IngestMetrics metrics,
            LongSupplier nanoClock) {
        this.consumer = consumer;
        this.buffers = buffers;
        this.heldBack = heldBack;
        this.store = store;
        this.inserts = inserts;
        this.fence = new OwnershipFence(consumer);
        this.lookups = lookups;
        this.outage = outage;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
        this.log = new IngestLog(metrics);
        this.nanoClock = nanoClock;
    }

    /**
     * Hands the due blocks (every block that can be cut, if {@code all}) to the insert thread,
     * once the flush before them is stored and committed.
     *
     * @param atLogEnd whether a partition has nothing more to read (see {@link BlockBuffers#takeDue})
     * @return false if a flush failed (this one, if it already finished, or the one before): its
     *     blocks wait to be sent again
     */
    boolean flush(boolean all, Predicate<TopicPartition> atLogEnd) throws FatalIngestException {
        if (!collect(true) || outage.waiting()) {
            return false;
        }
        List<Block> due = buffers.takeDue(all, atLogEnd);
        return due.isEmpty() || send(due, false);
    }

    /**
     * Hands the due blocks over if the insert thread is free; if it is busy, waits for it only if
     * {@code wait} (nothing else can be done meanwhile), and otherwise leaves them for a later call.
     */
    void flushDue(boolean wait, Predicate<TopicPartition> atLogEnd) throws FatalIngestException {
        if (!outage.waiting() && buffers.nanosUntilDue() == 0 && collect(wait)) {
            flush(false, atLogEnd);
        }
    }

    /** Sends the waiting blocks of a failed flush again, exactly as they were, if the backoff has passed. */
    void retryIfDue() throws FatalIngestException {
        if (inserts.busy() || (outage.waiting() && !outage.due())) {
            return;
        }
        boolean attempted = outage.attempted();
        List<Block> blocks = outage.take(buffers::owns);
        if (!blocks.isEmpty()) {
            send(blocks, attempted);
        } else if (outage.active()) {
            // Nothing left to send: the failed blocks went with partitions revoked meanwhile. Only a
            // stored block ends an outage otherwise, so it would never end; resume, and let the next
            // block (or a lookup) find out whether ClickHouse answers.
            outage.end(
                    false,
                    "nothing left to retry (its partitions were revoked): partitions resumed",
                    lookups.pendingPartitions());
        }
    }

    /**
     * Prepares blocks never attempted, commits their intents, and starts the inserts.
     *
     * <p>Blocks taken from the buffers or the outage are in this method's hands alone until they
     * are submitted, kept in the outage, or released: if anything interrupts it (the shutdown
     * hook's {@code wakeup()} makes the intent's {@code commitSync} throw, though Kafka may have
     * applied the intent), the blocks go back to the outage as they are, to be sent first. Lost
     * here, the partition's next block would be sent next, and its intent would commit the offset
     * past records never stored.
     */
    private boolean send(List<Block> blocks, boolean attempted) throws FatalIngestException {
        List<Block> inHand = blocks;
        boolean intentMayBeCommitted = attempted;
        OwnershipFence.Answer answer;
        try {
            if (!attempted) {
                try {
                    List<Block> prepared = new ArrayList<>(blocks.size());
                    for (Block block : blocks) {
                        prepared.add(store.prepare(block));
                    }
                    inHand = prepared;
                } catch (WriteException e) {
                    if (e.kind() == WriteException.Kind.FATAL) {
                        throw new FatalIngestException(e.getMessage(), e);
                    }
                    return failed(blocks, false, e); // not sent: prepared again on the retry
                }
            }
            intentMayBeCommitted = true;
            answer = fence.confirm(inHand, storedEnds);
        } catch (RuntimeException e) {
            outage.keep(inHand, intentMayBeCommitted);
            throw e;
        }
        blocks = inHand;
        switch (answer) {
            case FENCED -> {
                refusedEnds();
                rewind(blocks);
            }
            case UNANSWERED -> {
                outage.failed(blocks, true, "Kafka did not answer the ownership check before the insert");
                return false;
            }
            case OWNED -> {
                if (blocks.stream().anyMatch(block -> !block.commitOnly())) {
                    committedEnds(); // they went with the intents
                }
                inserts.submit(new InsertPipeline.Flush(blocks, nanoClock.getAsLong()));
            }
        }
        return collect(false) || inserts.busy(); // a fast insert (or one run in place) is committed at once
    }

    /**
     * The group refused the intent: this consumer is no longer in the group's generation (a pause
     * past the session, a rebalance). Nothing is written; the partitions are read again from
     * their committed offsets if they are still ours, by their next owner otherwise.
     */
    private void rewind(List<Block> blocks) {
        List<TopicPartition> partitions = blocks.stream().map(Block::partition).toList();
        LOG.warn(
                "{} rows not inserted: the group no longer lets this consumer commit for {}; read again by their owner",
                blocks.stream().mapToInt(b -> b.rows().size()).sum(),
                partitions);
        release(partitions);
        for (Block block : blocks) {
            if (consumer.assignment().contains(block.partition())) {
                // Still ours as far as this consumer knows: read again from the block's start (the
                // lookup moves to the committed offset, if there is one) until the group says otherwise.
                consumer.seek(block.partition(), block.start());
                lookups.assigned(List.of(block.partition()));
            }
        }
    }

    /**
     * Takes back the flush in flight, if it finished or {@code wait}: on success waits for its
     * dead letters and commits its blocks' ends; on a retriable failure keeps its blocks to send again.
     *
     * @return whether no flush is in flight or failed
     */
    boolean collect(boolean wait) throws FatalIngestException {
        if (!inserts.busy() || !(wait || inserts.finished())) {
            return !inserts.busy();
        }
        InsertPipeline.Outcome outcome = inserts.await();
        InsertPipeline.Flush flush = outcome.flush();
        try {
            if (outcome.failure() != null) {
                throw outcome.failure();
            }
            deadLetters.flush();
        } catch (WriteException e) {
            if (e.kind() == WriteException.Kind.FATAL) {
                throw new FatalIngestException(e.getMessage(), e);
            }
            if (unknownCodes.reached(e)) {
                throw new FatalIngestException(UnknownCodeLimit.message(e), e);
            }
            return failed(flush.blocks(), true, e);
        } catch (DeadLetterException e) {
            if (e.fatal()) {
                throw new FatalIngestException(e.getMessage(), e);
            }
            return failed(flush.blocks(), true, e); // stored: sent again, ClickHouse drops them as duplicates
        }
        unknownCodes.succeeded();
        log.flushed(flush.rows(), nanoClock.getAsLong() - flush.handedOverNanos(), flush.oldestEventMillis());
        flush.blocks().forEach(block -> storedEnds.put(block.partition(), new OffsetAndMetadata(block.end())));
        outage.end(true, "ClickHouse accepts inserts again: partitions resumed", lookups.pendingPartitions());
        return true;
    }

    /**
     * After the session expired: takes back the flush in flight without committing (nothing can
     * be committed now); its blocks of other partitions are sent again as they were.
     *
     * @return a fatal failure of that flush, for the loop to raise
     */
    FatalIngestException takeBackUncommitted() {
        InsertPipeline.Outcome inFlight = inserts.await();
        if (inFlight == null) {
            return null;
        }
        outage.keep(inFlight.flush().blocks(), true);
        WriteException failure = inFlight.failure();
        return failure != null && failure.kind() == WriteException.Kind.FATAL
                ? new FatalIngestException(failure.getMessage(), failure)
                : null;
    }

    private boolean failed(List<Block> blocks, boolean sent, Exception e) {
        outage.failed(blocks, sent, e.getMessage());
        return false;
    }

    /**
     * Commits the ends of stored blocks that no intent has carried yet; the plain commit clears
     * their intents. Called before the loop polls again, so a stored block is committed within
     * one iteration.
     */
    void commitStored() {
        if (storedEnds.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(storedEnds);
            committedEnds();
        } catch (TimeoutException e) {
            // Kafka did not answer (a broker restart, an outage): the blocks are stored; their ends are
            // committed with the next block's intent (it starts there), or alone once a wait has passed.
            storedEnds.keySet().forEach(buffers::recommit);
            storedEnds.clear();
            LOG.warn("commit not answered by Kafka ({}): committed again later", e.getMessage());
        } catch (CommitFailedException | RebalanceInProgressException e) {
            refusedEnds();
        }
    }

    private void committedEnds() {
        if (!storedEnds.isEmpty()) {
            metrics.commits.increment();
            storedEnds.clear();
        }
    }

    /**
     * The partitions moved meanwhile. Their next owner finds these stored blocks' intents, forms the
     * blocks again, finds them stored, and commits them.
     */
    private void refusedEnds() {
        if (!storedEnds.isEmpty()) {
            LOG.warn(
                    "commit of {} refused by the group: the next owner finds these blocks stored", storedEnds.keySet());
            storedEnds.clear();
        }
    }

    /** Drops the partitions' buffers and waiting blocks: uncommitted, their next owner reads them. */
    void release(Collection<TopicPartition> partitions) {
        storedEnds.keySet().removeAll(partitions);
        int dropped = buffers.release(partitions);
        heldBack.forget(partitions);
        outage.forget(partitions);
        lookups.released(partitions);
        partitions.forEach(store::released);
        if (dropped > 0) {
            LOG.info("dropped {} uncommitted rows of {}; their next owner reads them", dropped, partitions);
        }
    }

    boolean busy() {
        return inserts.busy();
    }

    /** Rows taken out of the buffers and not stored yet: waiting for a retry, or in flight. */
    int rowsInHand() {
        return outage.rows() + inserts.rowsInFlight();
    }

    /**
     * Stores and commits what is buffered, until {@code timeout} passes (a clean stop).
     *
     * @return whether everything was stored and committed
     */
    boolean drain(Duration timeout, Predicate<TopicPartition> atLogEnd) {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        try {
            while (true) {
                retryIfDue();
                boolean stored = flush(true, atLogEnd) && collect(true);
                commitStored();
                if (stored && buffers.isEmpty() && !outage.waiting()) {
                    return true;
                }
                long now = nanoClock.getAsLong();
                if (now >= deadline) {
                    LOG.warn(
                            "shutdown timeout: {} buffered rows not stored and not committed; read again on restart",
                            buffers.size());
                    return false;
                }
                Thread.sleep(Math.max(1, Math.min(outage.nanosUntilRetry(), deadline - now) / 1_000_000));
            }
        } catch (FatalIngestException e) {
            LOG.error("final flush failed: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
