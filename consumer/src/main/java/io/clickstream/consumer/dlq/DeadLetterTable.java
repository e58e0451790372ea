package io.clickstream.consumer.dlq;

import io.clickstream.consumer.clickhouse.WriteException;
import java.util.List;

/** Where dead letters are kept as data (ClickHouse's {@code dead_letters}), beside the dead-letter topic. */
public interface DeadLetterTable {
    /** A dead letter and when the consumer rejected it (epoch milliseconds). */
    record Received(DeadLetter letter, long receivedAtMillis) {}

    /**
     * Stores {@code letters}; storing one again (same source coordinates) is harmless.
     *
     * @throws WriteException RETRIABLE, or FATAL when retrying cannot help (no table, no grant)
     */
    void write(List<Received> letters) throws WriteException;
}
