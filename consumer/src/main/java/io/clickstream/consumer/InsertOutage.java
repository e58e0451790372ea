package io.clickstream.consumer;

import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.Block;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A flush that could not be stored (or not confirmed): its blocks are kept exactly as they
 * were, to be sent again as they are until they are stored or their partitions are gone (never
 * merged with rows polled since: a re-send must carry the first attempt's rows and token,
 * however long that attempt takes to land). Meanwhile every partition is paused (polling goes
 * on, so the group membership is kept) and attempts are spaced by a capped backoff. The outage
 * ends when the blocks are stored, or when none is left to send (their partitions were revoked).
 */
final class InsertOutage {
    private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);

    private final Consumer<?, ?> consumer;
    private final Backoff backoff;
    private final IngestMetrics metrics;
    private final LongSupplier nanoClock;
    private List<Block> blocks = List.of();
    /** Whether the blocks may have been sent (or their intent committed): then they never change. */
    private boolean attempted;

    private boolean active;
    private long retryAt;

    InsertOutage(Consumer<?, ?> consumer, Backoff backoff, IngestMetrics metrics, LongSupplier nanoClock) {
        this.consumer = consumer;
        this.backoff = backoff;
        this.metrics = metrics;
        this.nanoClock = nanoClock;
    }

    /** The blocks were not stored: keep them, pause everything, schedule the next attempt. */
    void failed(List<Block> failed, boolean mayHaveBeenSent, String reason) {
        blocks = List.copyOf(failed);
        attempted = mayHaveBeenSent;
        Duration wait = backoff.next();
        retryAt = nanoClock.getAsLong() + wait.toNanos();
        if (!active) {
            active = true;
            metrics.clickHouseUp.set(0);
            consumer.pause(consumer.assignment());
            LOG.warn("{} rows not stored, nothing committed for them; partitions paused: {}", rows(), reason);
        }
        LOG.warn("retrying in {} ms: {}", wait.toMillis(), reason);
    }

    /**
     * Blocks to send at once, first, without starting an outage: taken back from a callback, or
     * from a send that was interrupted. Nothing else may be waiting (one flush is in hand at a
     * time). If they {@code mayHaveBeenSent} (their intent may be committed), they never change.
     */
    void keep(List<Block> taken, boolean mayHaveBeenSent) {
        if (!blocks.isEmpty()) {
            throw new IllegalStateException("blocks kept while others wait: " + blocks + ", " + taken);
        }
        blocks = List.copyOf(taken);
        attempted = mayHaveBeenSent;
        retryAt = nanoClock.getAsLong();
    }

    /** Resumes a partition (its lookup done), unless the outage keeps everything paused: then its end does. */
    void resumeUnlessActive(TopicPartition partition) {
        if (!active) {
            consumer.resume(List.of(partition));
        }
    }

    boolean active() {
        return active;
    }

    /** Rows of the blocks waiting to be sent again. */
    int rows() {
        return blocks.stream().mapToInt(b -> b.rows().size()).sum();
    }

    /** Whether blocks are waiting to be sent again. */
    boolean waiting() {
        return !blocks.isEmpty();
    }

    boolean due() {
        return nanoClock.getAsLong() >= retryAt;
    }

    long nanosUntilRetry() {
        return Math.max(0, retryAt - nanoClock.getAsLong());
    }

    /** Whether the blocks taken by {@link #take} may have been sent before. */
    boolean attempted() {
        return attempted;
    }

    /**
     * Takes the waiting blocks whose partitions are still {@code owned}; the others' next owner
     * forms them. The taker holds them until they are sent, or gives them back ({@link #failed},
     * {@link #keep}) saying again whether they may have been sent.
     */
    List<Block> take(Predicate<TopicPartition> owned) {
        List<Block> kept = new ArrayList<>();
        for (Block block : blocks) {
            if (owned.test(block.partition())) {
                kept.add(block);
            }
        }
        blocks = List.of();
        attempted = false;
        return kept;
    }

    /** Drops waiting blocks of partitions that are gone. */
    void forget(Collection<TopicPartition> partitions) {
        blocks =
                blocks.stream().filter(b -> !partitions.contains(b.partition())).toList();
    }

    /**
     * Stored (or nothing left to send): resumes every partition not {@code stillPaused} (awaiting
     * their lookup). A later failure starts a new outage with a fresh backoff.
     */
    void end(boolean clickHouseAnswered, String why, Set<TopicPartition> stillPaused) {
        attempted = false;
        if (!active) {
            return;
        }
        active = false;
        backoff.reset();
        if (clickHouseAnswered) {
            metrics.clickHouseUp.set(1);
        }
        Set<TopicPartition> resumable = new HashSet<>(consumer.assignment());
        resumable.removeAll(stillPaused);
        consumer.resume(resumable);
        LOG.info(why);
    }
}
