package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.UnknownCodeLimit;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.dlq.DeadLetterPublisher.DeadLetterException;
import io.clickstream.consumer.kafka.OwnershipFence;
import io.clickstream.consumer.kafka.TopicIds;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.CatchUpPolicy;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.consumer.processing.MicroBatcher;
import io.clickstream.consumer.processing.OffsetTracker;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.InvalidEventException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer: poll, decode, buffer, insert, then commit. Invariants (see docs/consumer.md):
 * <ol>
 *   <li>An offset is committed only after every record before it is durable: inserted into
 *       ClickHouse, acknowledged by the dead-letter topic, or found already stored.</li>
 *   <li>A record is stored at most once: every insert carries a deduplication token made of its
 *       rows' source coordinates, so ClickHouse drops a re-sent batch; records that an earlier
 *       run stored but did not commit are found on assignment and dropped from batches
 *       ({@link BatchStore}, memory bounded by one batch). Records are identified by
 *       Kafka's topic ID, so a re-created topic's offsets are not mistaken for the old one's.</li>
 *   <li>While ClickHouse fails, the assigned partitions are paused and polling goes on, so the
 *       consumer keeps its group membership; the batch is retried with capped backoff.</li>
 * </ol>
 * Batches hold up to {@code --batch-max-rows} rows, more while far behind ({@link CatchUpPolicy}).
 * One insert runs beside the loop ({@link InsertPipeline}): while ClickHouse stores a batch, the
 * next one is polled and decoded. Its outcome is taken back before anything else is committed
 * or inserted; a batch that failed is put back in front of the rows buffered since, and the two
 * are retried together. So at most two batches (and one poll) are held in memory.
 * Runs on one thread besides the insert; {@link #shutdown()} may be called from any thread.
 */
public final class IngestLoop implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
    /** Longest poll, so lag lines, retries and shutdown are prompt. */
    private static final long MAX_POLL_NANOS = 1_000_000_000L;

    private static final long MIN_POLL_NANOS = 5_000_000L;
    /** Longest poll while an insert is in flight, so its offsets are committed promptly. */
    private static final long IN_FLIGHT_POLL_NANOS = 20_000_000L;

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final DeadLetterPublisher deadLetters;
    private final EventCodec codec;
    private final MicroBatcher batcher;
    private final Backoff backoff;
    private final IngestMetrics metrics;
    private final LongSupplier nanoClock;
    private final long lagIntervalNanos;

    private final TopicIds topicIds;
    private final BatchStore store;
    private final InsertPipeline inserts;
    private final IngestLog log;

    private final OffsetTracker offsets = new OffsetTracker();
    private final UnknownCodeLimit unknownCodes = new UnknownCodeLimit();
    private final OwnershipFence fence;
    /** Kafka's topic ID of each assigned partition's topic, found on assignment. */
    private final Map<TopicPartition, UUID> topicIdOf = new HashMap<>();
    /** Partitions paused until we know their topic ID and which of their records are already stored. */
    private final Set<TopicPartition> awaitingLookup = new LinkedHashSet<>();

    private volatile boolean running = true;
    /** A fatal insert outcome taken back in a rebalance callback, raised by the next poll. */
    private FatalIngestException fatalMeanwhile;

    private boolean outage; // inserts failing: every partition paused
    private boolean closing;
    private long retryAt;
    private long nextLagLog;
    private final CatchUpPolicy catchUp;

    public IngestLoop(
            Consumer<byte[], byte[]> consumer,
            String topic,
            TopicIds topicIds,
            EventWriter writer,
            DeadLetterPublisher deadLetters,
            EventCodec codec,
            MicroBatcher batcher,
            Backoff backoff,
            IngestMetrics metrics,
            LongSupplier nanoClock,
            Duration lagInterval,
            CatchUpPolicy catchUp,
            Executor insertThread) {
        this.consumer = consumer;
        this.fence = new OwnershipFence(consumer);
        this.catchUp = catchUp;
        this.topic = topic;
        this.topicIds = topicIds;
        this.store = new BatchStore(writer, deadLetters, codec, metrics);
        this.inserts = new InsertPipeline(store, insertThread);
        this.log = new IngestLog(metrics);
        this.deadLetters = deadLetters;
        this.codec = codec;
        this.batcher = batcher;
        this.backoff = backoff;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.lagIntervalNanos = lagInterval.toNanos();
        this.nextLagLog = nanoClock.getAsLong() + lagIntervalNanos;
    }

    /** Polls until {@link #shutdown()}; returns with possibly buffered rows, see {@link #drain(Duration)}. */
    public void run() throws FatalIngestException {
        subscribe();
        try {
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (FatalIngestException e) {
            // Closing the consumer revokes its partitions; that must not try again (and perhaps
            // store and commit) what just failed for good.
            closing = true;
            throw e;
        }
    }

    void subscribe() {
        consumer.subscribe(List.of(topic), this);
    }

    /** Stops {@link #run()} at its next poll; safe from any thread (e.g. a shutdown hook). */
    public void shutdown() {
        running = false;
        consumer.wakeup();
    }

    /** One iteration: poll, handle the records, flush or retry if due, look up pending partitions. */
    void pollOnce() throws FatalIngestException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(pollTimeoutNanos()));
        if (fatalMeanwhile != null) {
            throw fatalMeanwhile;
        }
        metrics.lastPollAt.set(System.currentTimeMillis());
        metrics.consumed.add(records.count());
        collect(false); // an insert that finished meanwhile: commit it before anything else
        long lag = lag();
        metrics.lag.set(lag);
        batcher.maxRows(catchUp.update(lag, metrics.consumed.sum())); // larger batches while far behind
        // Partition by partition: the offset bookkeeping happens once per partition and poll,
        // and before any flush that includes the partition's records.
        for (TopicPartition partition : records.partitions()) {
            UUID topicId = topicIdOf.get(partition);
            long last = -1;
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                handle(record, topicId);
                last = record.offset();
                if (batcher.isFull() && !outage) {
                    offsets.handled(partition, last);
                    flush(); // batches never exceed their limit, whatever a poll returns
                }
            }
            if (last >= 0) {
                offsets.handled(partition, last);
            }
        }
        long now = nanoClock.getAsLong();
        boolean retryDue = now >= retryAt;
        if (!awaitingLookup.isEmpty() && retryDue && !outage && collect(true)) {
            lookUpStoredOffsets(); // not while an insert is in flight: both use the store
        }
        if (outage ? retryDue && !inserts.busy() : batcher.flushDue()) {
            flush();
        }
        if (now >= nextLagLog) {
            log.lag(lag, consumer.assignment().size(), outage);
            nextLagLog = now + lagIntervalNanos;
        }
        metrics.buffered.set(batcher.size());
    }

    /** Records behind the head over the assigned partitions, from the last fetch (no request). */
    private long lag() {
        long lag = 0;
        for (TopicPartition partition : consumer.assignment()) {
            lag += consumer.currentLag(partition).orElse(0);
        }
        return lag;
    }

    private long pollTimeoutNanos() {
        long now = nanoClock.getAsLong();
        long retry = outage || !awaitingLookup.isEmpty() ? retryAt - now : Long.MAX_VALUE;
        long until = outage ? retry : Math.min(retry, batcher.nanosUntilDue());
        long max = inserts.busy() ? IN_FLIGHT_POLL_NANOS : MAX_POLL_NANOS;
        return Math.max(MIN_POLL_NANOS, Math.min(max, until));
    }

    /** Buffers or dead-letters one record; the caller records its offset as handled. */
    private void handle(ConsumerRecord<byte[], byte[]> record, UUID topicId) {
        try {
            ClickEvent event = codec.decode(record.value());
            batcher.add(new EventRow(event, record.topic(), topicId, record.partition(), record.offset()));
        } catch (InvalidEventException e) {
            deadLetters.publish(DeadLetter.of(record, topicId, e));
            metrics.deadLettered.increment();
            batcher.touch();
        }
    }

    /**
     * Hands the batch to the insert thread, once the insert before it is stored and committed
     * (commits stay in order). A batch that only needs its offsets committed (dead letters,
     * skipped records) goes the same way, behind the insert before it.
     *
     * @return false if an insert failed (this one, if it already finished, or the one before):
     *     its rows are back in the batch, the partitions paused and a retry scheduled
     */
    boolean flush() throws FatalIngestException {
        if (!collect(true)) {
            return false;
        }
        if (batcher.started() || !offsets.isEmpty()) {
            int rows = batcher.size();
            long oldest = batcher.oldestEventMillis();
            InsertPipeline.Batch batch =
                    new InsertPipeline.Batch(batcher.take(), offsets.take(), rows, oldest, nanoClock.getAsLong());
            switch (fence.confirm(batch.offsets())) {
                case FENCED -> {
                    // Not ours any more (a pause past the session, a rebalance): write nothing for them.
                    LOG.warn(
                            "{} rows not inserted: the group no longer lets this consumer commit for {};"
                                    + " their next owner reads them",
                            rows,
                            batch.offsets().keySet());
                    forget(batch.offsets().keySet());
                    return true;
                }
                case UNANSWERED -> {
                    putBack(batch);
                    failed("Kafka did not answer the ownership check before the insert");
                    return false;
                }
                case OWNED -> inserts.submit(batch);
            }
            // a fast insert (or one run in place) is committed at once
            return collect(false) || inserts.busy();
        }
        if (outage) {
            // Nothing left to retry: the failed batch went with partitions revoked meanwhile. Only an
            // insert ends an outage, so without one it would never end; resume, and let the next
            // batch (or a stored-offset lookup) find out whether ClickHouse answers.
            endOutage(false, "nothing left to retry: partitions resumed");
        }
        return true;
    }

    /** {@link #flush()}, then waits for the insert: whether everything handled is now stored and committed. */
    boolean flushAndWait() throws FatalIngestException {
        return flush() && collect(true);
    }

    /**
     * Takes back the insert in flight, if it finished or {@code wait}: on success waits for the
     * dead letters and commits the batch's offsets; on a retriable failure puts the batch back,
     * pauses every partition and schedules a retry.
     *
     * @return whether no insert is in flight or failed (the next batch may be handed over)
     */
    private boolean collect(boolean wait) throws FatalIngestException {
        if (!inserts.busy() || !(wait || inserts.finished())) {
            return !inserts.busy();
        }
        InsertPipeline.Outcome outcome = inserts.await();
        InsertPipeline.Batch batch = outcome.batch();
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
                throw new FatalIngestException(
                        "ClickHouse answered code " + e.code() + ", which the consumer does not classify, to "
                                + UnknownCodeLimit.ATTEMPTS + " attempts in a row: stopping without committing the"
                                + " batch (it is re-read after a restart). Last answer: " + e.getMessage(),
                        e);
            }
            putBack(batch); // the store knows these rows may be stored: the retry cannot duplicate them
            failed(e.getMessage());
            return false;
        } catch (DeadLetterException e) {
            if (e.fatal()) {
                throw new FatalIngestException(e.getMessage(), e);
            }
            store.mayBeStored(batch.rows()); // stored; the retry finds them stored and inserts nothing
            putBack(batch);
            failed(e.getMessage());
            return false;
        }
        unknownCodes.succeeded();
        log.flushed(batch.size(), nanoClock.getAsLong() - batch.handedOverNanos(), batch.oldestEventMillis());
        commit(batch.offsets());
        if (outage) {
            endOutage(true, "ClickHouse accepts inserts again: partitions resumed");
        }
        return true;
    }

    private void endOutage(boolean clickHouseAnswered, String why) {
        outage = false;
        backoff.reset();
        if (clickHouseAnswered) {
            metrics.clickHouseUp.set(1);
        }
        resumeAll();
        LOG.info(why);
    }

    private void putBack(InsertPipeline.Batch batch) {
        batcher.putBack(batch.rows(), batch.oldestEventMillis());
        offsets.putBack(batch.offsets());
    }

    private void failed(String reason) {
        Duration wait = backoff.next();
        retryAt = nanoClock.getAsLong() + wait.toNanos();
        if (!outage) {
            outage = true;
            metrics.clickHouseUp.set(0);
            consumer.pause(consumer.assignment());
            LOG.warn("{} rows not stored, nothing committed; partitions paused: {}", batcher.size(), reason);
        }
        LOG.warn("retrying in {} ms: {}", wait.toMillis(), reason);
    }

    private void commit(Map<TopicPartition, OffsetAndMetadata> committable) {
        if (committable.isEmpty()) {
            return;
        }
        try {
            consumer.commitSync(committable);
            fence.committed(committable);
            metrics.commits.increment();
        } catch (TimeoutException e) {
            // Kafka did not answer within default.api.timeout.ms (a broker restart, an outage):
            // the records are stored, the commit may or may not have happened. Keep the offsets
            // and commit them with the next batch (or alone, once a batch wait has passed):
            // committing the same offsets twice is harmless, and the loop rides the outage out.
            offsets.putBack(committable);
            batcher.touch();
            LOG.warn("commit not answered by Kafka ({}): the offsets are kept and committed again", e.getMessage());
        } catch (CommitFailedException | RebalanceInProgressException e) {
            // The partitions moved to another consumer meanwhile (or this one was too slow and left
            // the group). What we inserted is stored; whoever owns the partitions next, this
            // consumer included, re-reads from the last commit and finds these records stored.
            LOG.warn(
                    "commit rejected by the group ({}): the stored records are re-read by the partitions' next owner"
                            + " and skipped as already stored",
                    e.getMessage());
        }
    }

    private void resumeAll() {
        Set<TopicPartition> resumable = new HashSet<>(consumer.assignment());
        resumable.removeAll(awaitingLookup);
        consumer.resume(resumable);
    }

    private void lookUpStoredOffsets() throws FatalIngestException {
        Map<String, UUID> idOfTopic = new HashMap<>(); // one Admin request per topic, not per partition
        for (TopicPartition partition : new ArrayList<>(awaitingLookup)) {
            long from;
            UUID topicId;
            long stored;
            try {
                from = consumer.position(partition); // asks Kafka for the committed offset: may time out
                topicId = idOfTopic.get(partition.topic());
                if (topicId == null) {
                    topicId = topicIds.of(partition.topic());
                    idOfTopic.put(partition.topic(), topicId);
                }
                stored = store.assigned(partition, topicId, from);
            } catch (TopicIds.TopicIdUnavailableException | WriteException | TimeoutException e) {
                if (e instanceof WriteException w && w.kind() == WriteException.Kind.FATAL) {
                    throw new FatalIngestException(e.getMessage(), e);
                }
                Duration wait = backoff.next();
                retryAt = nanoClock.getAsLong() + wait.toNanos();
                LOG.warn(
                        "cannot tell which records of {} are already stored; {} stays paused, retrying in {} ms: {}",
                        partition,
                        partition,
                        wait.toMillis(),
                        e.getMessage());
                return;
            }
            awaitingLookup.remove(partition);
            topicIdOf.put(partition, topicId);
            fence.owned(partition, from);
            if (stored > 0) {
                LOG.info(
                        "{}: {} records after the committed offset {} are already stored (stored before a crash or"
                                + " rebalance, not committed); they will be skipped",
                        partition,
                        stored,
                        from);
            }
            backoff.reset();
            if (!outage) {
                consumer.resume(List.of(partition));
            }
        }
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.info("assigned {}", partitions);
        consumer.pause(partitions); // until we know which of their offsets are already stored
        awaitingLookup.addAll(partitions);
        retryAt = 0;
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.info("revoked {}", partitions);
        boolean flushed = false;
        if (!closing) {
            try {
                // one attempt: commit what belongs to the partitions while we still own them
                flushed = flushAndWait();
            } catch (FatalIngestException e) {
                LOG.error("flush on revocation failed: {}", e.getMessage());
            }
        }
        if (!flushed) {
            forget(partitions);
        }
        release(partitions);
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        LOG.warn(
                "lost {} (session expired): their buffered rows are dropped, the next owner re-reads them", partitions);
        InsertPipeline.Outcome inFlight = inserts.await(); // nothing can be committed now: keep it for later
        if (inFlight != null) {
            if (inFlight.failure() != null && inFlight.failure().kind() == WriteException.Kind.FATAL) {
                // A callback cannot stop the loop: the next poll does, as collect() would have.
                fatalMeanwhile = new FatalIngestException(inFlight.failure().getMessage(), inFlight.failure());
            }
            store.mayBeStored(inFlight.batch().rows());
            putBack(inFlight.batch());
        }
        forget(partitions);
        release(partitions);
    }

    private void release(Collection<TopicPartition> partitions) {
        partitions.forEach(store::released);
        fence.released(partitions);
        topicIdOf.keySet().removeAll(partitions);
        awaitingLookup.removeAll(partitions);
    }

    /** Drops buffered rows and pending offsets: uncommitted, so the next owner re-reads them. */
    private void forget(Collection<TopicPartition> partitions) {
        int before = batcher.size();
        batcher.removePartitions(partitions);
        offsets.forget(partitions);
        if (batcher.isEmpty() && offsets.isEmpty()) {
            batcher.clear();
        }
        if (before > batcher.size()) {
            LOG.info(
                    "dropped {} uncommitted rows of {}; their next owner re-reads them",
                    before - batcher.size(),
                    partitions);
        }
    }

    /**
     * After {@link #run()} returned: tries to store and commit what is buffered until
     * {@code timeout} passes. What cannot be stored in time stays uncommitted: it is re-read
     * on restart, so nothing is lost either way.
     *
     * @return whether everything buffered was stored and committed
     */
    public boolean drain(Duration timeout) {
        long deadline = nanoClock.getAsLong() + timeout.toNanos();
        closing = true;
        while (true) {
            try {
                if (flushAndWait() && offsets.isEmpty()) { // offsets left: a commit Kafka did not answer
                    return true;
                }
            } catch (FatalIngestException e) {
                LOG.error("final flush failed: {}", e.getMessage());
                return false;
            }
            long wait = Math.min(retryAt, deadline) - nanoClock.getAsLong();
            if (nanoClock.getAsLong() >= deadline) {
                LOG.warn(
                        "shutdown timeout: {} buffered rows not stored and not committed; they are re-read on restart",
                        batcher.size());
                return false;
            }
            try {
                Thread.sleep(Math.max(1, wait / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
