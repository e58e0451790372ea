package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.kafka.OwnershipFence;
import io.clickstream.consumer.kafka.TopicIds;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.BlockBuffers;
import io.clickstream.consumer.processing.CatchUpPolicy;
import io.clickstream.model.EventCodec;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer's poll loop: poll, decode, buffer per partition, flush blocks, commit. The
 * invariants (docs/consumer.md, "The guarantee") and the classes that hold them:
 * <ol>
 *   <li>An offset is committed only after every record before it is durable (stored, dead-lettered
 *       or found stored): blocks are committed in order, each after its insert.</li>
 *   <li>The same blocks, whoever writes them: a partition's records go in blocks, and a
 *       block, once attempted, is sent again exactly as it was ({@link InsertOutage}); its intent,
 *       committed before the insert ({@link OwnershipFence}), lets the partition's next owner form
 *       it again ({@link AssignmentLookup}, {@link BlockBuffers}). So ClickHouse sees one token
 *       for one block, and stores it once.</li>
 *   <li>No insert without ownership: a refused intent drops the blocks and re-reads the partitions.</li>
 *   <li>While ClickHouse fails, the partitions are paused and polling goes on (the group
 *       membership is kept); while Kafka does not answer, commits are kept and made later.</li>
 * </ol>
 * One flush runs beside the loop ({@link InsertPipeline}); a partition whose next block fills
 * meanwhile is held back ({@link HeldBackPartitions}). {@link #shutdown()}: from any thread.
 */
public final class IngestLoop implements ConsumerRebalanceListener {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
    private static final long MAX_POLL_NANOS = 1_000_000_000L; // lag lines, retries and shutdown stay prompt
    private static final long MIN_POLL_NANOS = 5_000_000L;
    /** Longest poll while an insert is in flight, so its offsets are committed promptly. */
    private static final long IN_FLIGHT_POLL_NANOS = 20_000_000L;

    private final Consumer<byte[], byte[]> consumer;
    private final String topic;
    private final RecordHandler handler;
    private final BlockBuffers buffers;
    private final IngestMetrics metrics;
    private final LongSupplier nanoClock;
    private final long lagIntervalNanos;
    private final CatchUpPolicy catchUp;
    private final IngestLog log;
    private final AssignmentLookup lookups;
    private final InsertOutage outage;
    private final BlockFlusher flusher;
    private final HeldBackPartitions heldBack;

    private volatile boolean running = true;
    /** A fatal insert outcome taken back in a rebalance callback, raised by the next poll. */
    private FatalIngestException fatalMeanwhile;

    private boolean closing;
    private long nextLagLog;

    public IngestLoop(
            Consumer<byte[], byte[]> consumer,
            String topic,
            TopicIds topicIds,
            EventWriter writer,
            DeadLetterPublisher deadLetters,
            EventCodec codec,
            BlockBuffers buffers,
            Backoff backoff,
            IngestMetrics metrics,
            LongSupplier nanoClock,
            Duration lagInterval,
            CatchUpPolicy catchUp,
            Executor insertThread) {
        this.consumer = consumer;
        this.topic = topic;
        this.handler = new RecordHandler(codec, buffers, deadLetters, metrics);
        this.buffers = buffers;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
        this.lagIntervalNanos = lagInterval.toNanos();
        this.nextLagLog = nanoClock.getAsLong() + lagIntervalNanos;
        this.catchUp = catchUp;
        BlockStore store = new BlockStore(writer, deadLetters, codec, metrics);
        this.log = new IngestLog(metrics);
        this.lookups = new AssignmentLookup(consumer, topicIds, store, buffers, backoff.fresh(), nanoClock);
        this.outage = new InsertOutage(consumer, backoff, metrics, nanoClock);
        this.heldBack = new HeldBackPartitions(consumer);
        this.flusher = new BlockFlusher(
                consumer,
                buffers,
                heldBack,
                store,
                new InsertPipeline(store, insertThread),
                lookups,
                outage,
                deadLetters,
                metrics,
                nanoClock);
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
            closing = true; // closing revokes the partitions: that must not store or commit anything now
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

    /** One iteration: poll, buffer the records, flush or retry if due, look up assigned partitions. */
    void pollOnce() throws FatalIngestException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofNanos(pollTimeoutNanos()));
        if (fatalMeanwhile != null) {
            throw fatalMeanwhile;
        }
        metrics.lastPollAt.set(System.currentTimeMillis());
        metrics.consumed.add(records.count());
        flusher.collect(false); // a flush that finished meanwhile: commit it before anything else
        buffers.maxRows(catchUp.update(lagInKafka(), metrics.consumed.sum())); // larger blocks while far behind
        int handled = heldBack.handleHeld(buffers, handler, !outage.active()); // they come before anything polled since
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> polled = records.records(partition);
            for (int i = 0; i < polled.size(); i++) {
                if (buffers.isFull(partition)) { // blocks never exceed their limit, whatever a poll returns
                    flusher.flushDue(buffers.allFull(), this::atLogEnd);
                }
                if (!buffers.owns(partition)) { // paused for a lookup, or its intent refused: read again
                    break;
                }
                if (buffers.isFull(partition) || heldBack.holds(partition)) { // the insert thread is busy
                    heldBack.hold(partition, polled.subList(i, polled.size())); // read the others meanwhile
                    break;
                }
                handler.handle(partition, polled.get(i));
                handled++;
            }
        }
        flusher.retryIfDue();
        flusher.flushDue(handled == 0 || buffers.allFull(), this::atLogEnd); // wait only with nothing else to do
        heldBack.handleHeld(buffers, handler, !outage.active()); // blocks just handed over make room
        if (lookups.due() && flusher.collect(true)) { // not while an insert is in flight: both use the store
            lookups.lookUp(partition -> outage.resumeUnlessActive(partition));
        }
        flusher.commitStored(); // the ends no intent carried this iteration
        reportLag();
    }

    /** Records behind the end of the assigned partitions in Kafka, from the last fetch (no request). */
    private long lagInKafka() {
        return consumer.assignment().stream()
                .mapToLong(partition -> consumer.currentLag(partition).orElse(0)) // unknown until the first fetch
                .sum();
    }

    /**
     * The lag the consumer reports counts every record not stored: behind the end in Kafka, and
     * fetched but only in memory (buffered, held back, waiting for a retry, in flight). Kafka's
     * lag alone is 0 once everything is fetched, stored or not.
     */
    private void reportLag() {
        long waiting = buffers.size() + heldBack.size(); // for the next flush
        long inMemory = waiting + flusher.rowsInHand();
        long lag = lagInKafka() + inMemory;
        metrics.buffered.set(waiting);
        metrics.lag.set(lag);
        if (nanoClock.getAsLong() >= nextLagLog) {
            log.lag(lag, inMemory, consumer.assignment().size(), outage.active());
            nextLagLog = nanoClock.getAsLong() + lagIntervalNanos;
        }
    }

    private boolean atLogEnd(TopicPartition partition) {
        return consumer.currentLag(partition).orElse(1) == 0;
    }

    private long pollTimeoutNanos() {
        if (flusher.busy() && !outage.waiting() && buffers.nanosUntilDue() == 0) {
            return 0; // what is fetched already, or else wait for the insert in flight (pollOnce)
        }
        long until = outage.waiting() ? outage.nanosUntilRetry() : buffers.nanosUntilDue();
        until = Math.min(until, lookups.nanosUntilDue());
        long max = flusher.busy() ? IN_FLIGHT_POLL_NANOS : MAX_POLL_NANOS;
        return Math.max(MIN_POLL_NANOS, Math.min(max, until));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (!partitions.isEmpty()) {
            LOG.info("assigned {}", partitions);
            lookups.assigned(partitions);
        }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        LOG.info("revoked {}", partitions);
        try {
            if (!closing) { // one attempt: store and commit what is theirs while they are ours
                flusher.flush(true, this::atLogEnd);
                flusher.collect(true);
                flusher.commitStored();
            }
        } catch (FatalIngestException e) {
            LOG.error("flush on revocation failed: {}", e.getMessage());
        } finally {
            flusher.release(partitions); // gone whatever happened above (a wakeup, too): their next owner reads them
        }
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
        LOG.warn("lost {} (session expired): their buffered rows are dropped, the next owner reads them", partitions);
        FatalIngestException fatal = flusher.takeBackUncommitted();
        if (fatal != null) {
            fatalMeanwhile = fatal; // a callback cannot stop the loop: the next poll does
        }
        flusher.release(partitions);
    }

    /**
     * After {@link #run()} returned: tries to store and commit what is buffered until
     * {@code timeout} passes. What cannot be stored in time stays uncommitted: it is read again
     * on restart (and a block that was sent is formed again from its intent), so nothing is lost.
     *
     * @return whether everything buffered was stored and committed
     */
    public boolean drain(Duration timeout) {
        closing = true;
        return flusher.drain(timeout, this::atLogEnd);
    }
}
