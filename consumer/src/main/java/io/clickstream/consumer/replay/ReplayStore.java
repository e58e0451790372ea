package io.clickstream.consumer.replay;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/** What replay reads and records in ClickHouse. */
interface ReplayStore {
    /** One page of not-yet-replayed dead letters, in source-coordinate order, after {@code after} (null: from the start). */
    List<StoredDeadLetter> page(List<String> reasonClasses, Instant since, StoredDeadLetter after, int limit)
            throws ReplayException;

    /** The ones of {@code eventIds} that {@code events} already holds. */
    Set<UUID> storedEventIds(Collection<UUID> eventIds) throws ReplayException;

    /** Records that these dead letters were re-published (or found already stored), so no later run sends them again. */
    void markReplayed(List<Replayed> replayed) throws ReplayException;

    /** A dead letter and where its copy went ({@code replayTopic} empty: not sent, its event was already stored). */
    record Replayed(StoredDeadLetter letter, String replayTopic, int replayPartition, long replayOffset) {}

    /** ClickHouse or Kafka did not do what replay needs; nothing after the last recorded page was marked. */
    final class ReplayException extends Exception {
        private static final long serialVersionUID = 1L;

        ReplayException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
