package io.clickstream.consumer.dlq;

import io.clickstream.consumer.clickhouse.WriteException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Dead letters to both places: the dead-letter topic (the full record, for Kafka tools) and
 * ClickHouse's {@code dead_letters} table (for queries, panels and replay). {@link #flush()}
 * returns only when both hold every letter published so far, so the caller's commit covers
 * nothing that is durable in only one of them. A letter that did not reach the table stays
 * pending and goes with the next flush; the table folds a letter written twice into one row.
 *
 * <p>Thread-safe: the polling thread publishes undecodable records while the insert thread
 * publishes rows ClickHouse refused.
 */
public final class TopicAndTableDeadLetters implements DeadLetterPublisher {
    private final DeadLetterPublisher topic;
    private final DeadLetterTable table;
    private final LongSupplier clock;
    private final List<DeadLetterTable.Received> unstored = new ArrayList<>();

    /** @param clock epoch milliseconds, stamped on each letter as it is published */
    public TopicAndTableDeadLetters(DeadLetterPublisher topic, DeadLetterTable table, LongSupplier clock) {
        this.topic = topic;
        this.table = table;
        this.clock = clock;
    }

    @Override
    public synchronized void publish(DeadLetter letter) {
        topic.publish(letter);
        unstored.add(new DeadLetterTable.Received(letter, clock.getAsLong()));
    }

    @Override
    public synchronized void flush() throws DeadLetterException {
        topic.flush();
        if (unstored.isEmpty()) {
            return;
        }
        try {
            table.write(List.copyOf(unstored));
            unstored.clear();
        } catch (WriteException e) {
            throw new DeadLetterException(
                    unstored.size() + " dead letters not stored in ClickHouse: " + e.getMessage(),
                    e,
                    e.kind() != WriteException.Kind.RETRIABLE);
        }
    }

    @Override
    public synchronized long published() {
        return topic.published();
    }

    @Override
    public void close() {
        topic.close();
    }
}
