package io.clickstream.consumer.dlq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.clickhouse.WriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TopicAndTableDeadLettersTest {
    /** A topic that acknowledges everything, or refuses while {@code down}. */
    private static final class Topic implements DeadLetterPublisher {
        final List<DeadLetter> sent = new ArrayList<>();
        boolean down;

        @Override
        public void publish(DeadLetter letter) {
            sent.add(letter);
        }

        @Override
        public void flush() throws DeadLetterException {
            if (down) {
                throw new DeadLetterException("topic down", null);
            }
        }

        @Override
        public long published() {
            return sent.size();
        }

        @Override
        public void close() {}
    }

    /** A table that fails with {@code failure} while it is set. */
    private static final class Table implements DeadLetterTable {
        final List<Received> rows = new ArrayList<>();
        WriteException failure;

        @Override
        public void write(List<Received> letters) throws WriteException {
            if (failure != null) {
                throw failure;
            }
            rows.addAll(letters);
        }
    }

    private static DeadLetter letter(long offset) {
        return new DeadLetter("events", new UUID(1, 2), 0, offset, 5, null, new byte[] {1}, "malformed", "bad");
    }

    private final Topic topic = new Topic();
    private final Table table = new Table();
    private final AtomicLong clock = new AtomicLong(1_000);
    private final TopicAndTableDeadLetters letters = new TopicAndTableDeadLetters(topic, table, clock::get);

    @Test
    void flushReturnsOnlyWhenTheTableHoldsEveryLetterStampedWhenPublished() throws Exception {
        letters.publish(letter(1));
        clock.set(2_000);
        letters.publish(letter(2));
        assertEquals(0, table.rows.size(), "written on flush, in one insert");
        letters.flush();
        assertEquals(
                List.of(1L, 2L),
                table.rows.stream().map(r -> r.letter().sourceOffset()).toList());
        assertEquals(
                List.of(1_000L, 2_000L),
                table.rows.stream()
                        .map(DeadLetterTable.Received::receivedAtMillis)
                        .toList());
        letters.flush();
        assertEquals(2, table.rows.size(), "nothing written twice");
    }

    @Test
    void aTableThatFailsKeepsTheLettersForTheNextFlush() throws Exception {
        letters.publish(letter(1));
        table.failure = new WriteException(WriteException.Kind.RETRIABLE, 0, "connection refused", null);
        DeadLetterPublisher.DeadLetterException e =
                assertThrows(DeadLetterPublisher.DeadLetterException.class, letters::flush);
        assertFalse(e.fatal());
        assertTrue(
                e.getMessage().contains("1 dead letters not stored in ClickHouse: connection refused"), e.getMessage());
        letters.publish(letter(2));
        table.failure = null;
        letters.flush();
        assertEquals(
                List.of(1L, 2L),
                table.rows.stream().map(r -> r.letter().sourceOffset()).toList());
    }

    @Test
    void aMissingTableOrGrantIsFatalNotRetriedForever() {
        letters.publish(letter(1));
        table.failure = new WriteException(WriteException.Kind.FATAL, 497, "ACCESS_DENIED", null);
        assertTrue(assertThrows(DeadLetterPublisher.DeadLetterException.class, letters::flush)
                .fatal());
    }

    @Test
    void aTopicThatFailsFailsTheFlushBeforeTheTableIsWritten() {
        letters.publish(letter(1));
        topic.down = true;
        assertThrows(DeadLetterPublisher.DeadLetterException.class, letters::flush);
        assertEquals(0, table.rows.size());
    }
}
