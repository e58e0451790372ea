package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.kafka.OwnershipFence.Intent;
import io.clickstream.consumer.kafka.TopicIds;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.BlockBuffers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A partition assigned to this consumer stays paused until we know where to start and what an
 * earlier owner may have sent: its committed offset and intent (the block to form again, see
 * {@link io.clickstream.consumer.kafka.OwnershipFence}), its topic's ID, and which of its
 * records after the committed offset are already stored. Then its buffer is opened and it is
 * ready to resume.
 */
final class AssignmentLookup {
    private static final Logger LOG = LoggerFactory.getLogger(AssignmentLookup.class);

    /** Why a partition cannot be looked up now. */
    private static final class LookupFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        LookupFailedException(TopicPartition partition, Exception cause) {
            super(
                    "cannot tell where " + partition + " starts or which of its records are stored: "
                            + cause.getMessage(),
                    cause);
        }
    }

    private final Consumer<?, ?> consumer;
    private final TopicIds topicIds;
    private final BlockStore store;
    private final BlockBuffers buffers;
    private final Backoff backoff;
    private final LongSupplier nanoClock;
    private final Set<TopicPartition> pending = new LinkedHashSet<>();
    private long lookupAt;

    AssignmentLookup(
            Consumer<?, ?> consumer,
            TopicIds topicIds,
            BlockStore store,
            BlockBuffers buffers,
            Backoff backoff,
            LongSupplier nanoClock) {
        this.consumer = consumer;
        this.topicIds = topicIds;
        this.store = store;
        this.buffers = buffers;
        this.backoff = backoff;
        this.nanoClock = nanoClock;
    }

    /** Pauses the partitions until they are looked up, at once. */
    void assigned(Collection<TopicPartition> partitions) {
        consumer.pause(partitions);
        pending.addAll(partitions);
        lookupAt = nanoClock.getAsLong();
    }

    /** Whether partitions wait for a lookup and the backoff after a failed one has passed. */
    boolean due() {
        return !pending.isEmpty() && nanoClock.getAsLong() >= lookupAt;
    }

    long nanosUntilDue() {
        return pending.isEmpty() ? Long.MAX_VALUE : Math.max(0, lookupAt - nanoClock.getAsLong());
    }

    void released(Collection<TopicPartition> partitions) {
        pending.removeAll(partitions);
    }

    boolean pending() {
        return !pending.isEmpty();
    }

    Set<TopicPartition> pendingPartitions() {
        return pending;
    }

    /**
     * Looks the pending partitions up in turn and opens their buffers. If Kafka or ClickHouse does
     * not answer, the partition and those after it stay pending, and the next round comes after a backoff.
     *
     * @param ready told of each partition looked up (to resume it)
     * @throws FatalIngestException a FATAL answer from ClickHouse
     */
    void lookUp(java.util.function.Consumer<TopicPartition> ready) throws FatalIngestException {
        try {
            lookUpPending(ready);
            backoff.reset();
        } catch (LookupFailedException e) {
            Duration wait = backoff.next();
            lookupAt = nanoClock.getAsLong() + wait.toNanos();
            LOG.warn("{}; stays paused, retrying in {} ms", e.getMessage(), wait.toMillis());
        } catch (WriteException e) {
            throw new FatalIngestException(e.getMessage(), e);
        }
    }

    private void lookUpPending(java.util.function.Consumer<TopicPartition> ready)
            throws LookupFailedException, WriteException {
        Map<String, UUID> idOfTopic = new HashMap<>(); // one Admin request per topic, not per partition
        for (TopicPartition partition : new ArrayList<>(pending)) {
            try {
                // Committed offset and metadata, or the position the reset policy gives: both may time
                // out while Kafka is down. Reading starts at the committed offset, even if records were
                // fetched past it before (a partition looked up again after a refused intent).
                OffsetAndMetadata committed =
                        consumer.committed(Set.of(partition)).get(partition);
                if (committed != null) {
                    consumer.seek(partition, committed);
                }
                long position = committed != null ? committed.offset() : consumer.position(partition);
                UUID topicId = idOfTopic.get(partition.topic());
                if (topicId == null) {
                    topicId = topicIds.of(partition.topic());
                    idOfTopic.put(partition.topic(), topicId);
                }
                long stored = store.assigned(partition, topicId, position);
                Intent intent = Intent.of(committed);
                buffers.assigned(
                        partition,
                        topicId,
                        position,
                        intent == null ? -1 : intent.end(),
                        intent == null ? null : intent.token());
                log(partition, position, intent, stored);
            } catch (WriteException e) {
                if (e.kind() == WriteException.Kind.FATAL) {
                    throw e;
                }
                throw new LookupFailedException(partition, e);
            } catch (TopicIds.TopicIdUnavailableException | org.apache.kafka.common.errors.TimeoutException e) {
                throw new LookupFailedException(partition, e);
            }
            pending.remove(partition);
            ready.accept(partition);
        }
    }

    private static void log(TopicPartition partition, long position, Intent intent, long stored) {
        if (intent != null) {
            LOG.info(
                    "{}: an earlier owner may have sent offsets {} to {} (its intent); that block is formed again and"
                            + " sent first, with the same token",
                    partition,
                    position,
                    intent.end() - 1);
        }
        if (stored > 0) {
            LOG.info(
                    "{}: {} records after the committed offset {} are already stored (stored before a crash or"
                            + " rebalance, not committed); they will be skipped",
                    partition,
                    stored,
                    position);
        }
    }
}
