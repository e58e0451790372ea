package io.clickstream.consumer.kafka;

import io.clickstream.consumer.processing.Block;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * No insert without ownership, and no insert a later owner cannot repeat (docs/consumer.md,
 * "Ownership and intents"). Before a block goes to ClickHouse, its partition's offset is
 * committed at the block's start with the block's end and token as metadata: the intent.
 *
 * <ul>
 *   <li>Kafka accepts a commit only from a member of the group's current generation, so an
 *       accepted intent proves the partition was ours at that moment, and a refused one stops the
 *       insert. A consumer paused past its session (a GC pause, a frozen VM) wakes up, is refused,
 *       and writes nothing.</li>
 *   <li>The block's start is the offset committed with it: every block before it is stored. So
 *       the committed offset and its intent name the only block of the partition that may have
 *       been sent and not committed; the partition's next owner reads them on assignment and
 *       forms exactly that block again, so its insert carries the same token as the earlier
 *       attempt, and ClickHouse stores the block once, whichever insert lands first.</li>
 * </ul>
 * A plain commit of the block's end (no metadata) once it is stored clears the intent.
 */
public final class OwnershipFence {
    /** An intent: the end offset and token of the block sent from the committed offset. */
    public record Intent(long end, String token) {
        private static final String PREFIX = "intent end=";
        private static final String TOKEN = " token=";

        /** Metadata like {@code intent end=1200 token=cs1-…-1000}: ~70 bytes, well under offset.metadata.max.bytes (4,096). */
        public String metadata() {
            return PREFIX + end + TOKEN + token;
        }

        /** The intent in a committed offset's metadata; null if there is none (a plain commit, another tool's metadata). */
        public static Intent of(OffsetAndMetadata committed) {
            if (committed == null || !committed.metadata().startsWith(PREFIX)) {
                return null;
            }
            String rest = committed.metadata().substring(PREFIX.length());
            int token = rest.indexOf(TOKEN);
            try {
                long end = Long.parseLong(token < 0 ? rest : rest.substring(0, token));
                return end > committed.offset()
                        ? new Intent(end, token < 0 ? null : rest.substring(token + TOKEN.length()))
                        : null;
            } catch (NumberFormatException e) {
                return null;
            }
        }
    }

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

    public OwnershipFence(Consumer<?, ?> consumer) {
        this.consumer = consumer;
    }

    /**
     * Commits the intents of the blocks that hold rows (again, for a retry: the same intent) and
     * says whether their inserts may go. Blocks with nothing to insert need no intent.
     *
     * @param storedEnds ends of stored blocks to commit in the same request (a partition's intent
     *     replaces its end: the next block starts where the stored one ends); committed only
     *     along with an intent
     */
    public Answer confirm(List<Block> blocks, Map<TopicPartition, OffsetAndMetadata> storedEnds) {
        Map<TopicPartition, OffsetAndMetadata> intents = new HashMap<>(storedEnds);
        boolean anyIntent = false;
        for (Block block : blocks) {
            if (!block.commitOnly()) {
                intents.put(
                        block.partition(),
                        new OffsetAndMetadata(block.start(), new Intent(block.end(), block.token()).metadata()));
                anyIntent = true;
            }
        }
        if (!anyIntent) {
            return Answer.OWNED;
        }
        try {
            consumer.commitSync(intents);
            return Answer.OWNED;
        } catch (CommitFailedException | RebalanceInProgressException e) {
            return Answer.FENCED;
        } catch (TimeoutException e) {
            return Answer.UNANSWERED;
        }
    }
}
