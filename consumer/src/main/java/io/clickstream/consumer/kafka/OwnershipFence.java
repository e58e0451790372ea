package io.clickstream.consumer.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * No insert without ownership (docs/consumer.md, "Ownership"). A consumer that was paused past
 * its session (a GC pause, a frozen VM, a throttled container) may wake up with a batch due for
 * partitions the group has already given to another member; nothing tells it so before its next
 * request to the group. So before a batch goes to ClickHouse, its partitions' committed offsets
 * are committed again, unchanged, with the batch's end offsets as metadata (the intent). Kafka
 * accepts a commit only from a member of the group's current generation, so an accepted commit
 * proves the partitions were ours at that moment, and a refused one stops the insert. The
 * metadata tells a later owner which block an earlier owner may have sent.
 */
public final class OwnershipFence {
    /** Metadata of an intent: {@code intent end=<offset>}, well under offset.metadata.max.bytes (4,096). */
    static final String INTENT = "intent end=";

    /** What the group said to the intent. */
    public enum Answer {
        /** Committed: the partitions were ours; the insert may go. */
        OWNED,
        /** Refused: this member is no longer in the group's generation; the partitions are gone. */
        FENCED,
        /** Kafka did not answer in time: ownership unknown; do not insert yet. */
        UNANSWERED
    }

    private final Consumer<?, ?> consumer;
    /** The committed offset of each owned partition, as this consumer last committed or found it. */
    private final Map<TopicPartition, Long> committed = new HashMap<>();

    public OwnershipFence(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /** A partition is ours from {@code position} (its committed offset, or where the reset put it). */
    public void owned(TopicPartition partition, long position) {
        committed.put(partition, position);
    }

    /** Offsets this consumer committed. */
    public void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> committed.put(partition, offset.offset()));
    }

    public void released(Collection<TopicPartition> partitions) {
        partitions.forEach(committed::remove);
    }

    /**
     * Commits the intent for a batch that ends at {@code ends} (the offsets to commit once it is
     * stored) and says whether the insert may go.
     */
    public Answer confirm(Map<TopicPartition, OffsetAndMetadata> ends) {
        Map<TopicPartition, OffsetAndMetadata> intent = new HashMap<>();
        for (Map.Entry<TopicPartition, OffsetAndMetadata> end : ends.entrySet()) {
            Long start = committed.get(end.getKey());
            if (start == null) {
                return Answer.FENCED; // not (or no longer) assigned here
            }
            intent.put(
                    end.getKey(),
                    new OffsetAndMetadata(start, INTENT + end.getValue().offset()));
        }
        if (intent.isEmpty()) {
            return Answer.OWNED;
        }
        try {
            consumer.commitSync(intent);
            return Answer.OWNED;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            return Answer.FENCED;
        } catch (TimeoutException e) {
            return Answer.UNANSWERED;
        }
    }
}
