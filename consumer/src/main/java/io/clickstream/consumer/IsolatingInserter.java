package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dedup.BatchToken;
import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts a batch as one insert with its deduplication token; if ClickHouse refuses some rows
 * as bad data, bisects until the refused rows stand alone, stores the rest, and sends each
 * refused row to the dead-letter topic. Retriable and fatal failures are thrown to the caller.
 */
final class IsolatingInserter {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatingInserter.class);

    private final EventWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final EventCodec codec;
    private final IngestMetrics metrics;
    private boolean split;

    IsolatingInserter(EventWriter writer, DeadLetterPublisher deadLetters, EventCodec codec, IngestMetrics metrics) {
        this.writer = writer;
        this.deadLetters = deadLetters;
        this.codec = codec;
        this.metrics = metrics;
    }

    /** The token the whole batch is sent with; a re-send of the same rows carries the same one. */
    static String tokenOf(List<EventRow> rows) {
        return BatchToken.of(rows);
    }

    /**
     * Stores {@code rows} (or dead-letters the ones ClickHouse refuses).
     *
     * @throws WriteException RETRIABLE or FATAL; {@link #wasSplit()} then tells whether parts of
     *                        the batch went in separate inserts (with their own tokens)
     */
    void insert(List<EventRow> rows) throws WriteException {
        split = false;
        insertPart(rows);
    }

    /** Whether the last {@link #insert} had to split the batch (some parts may be stored under other tokens). */
    boolean wasSplit() {
        return split;
    }

    private void insertPart(List<EventRow> rows) throws WriteException {
        try {
            writer.write(rows, tokenOf(rows));
            metrics.inserted.add(rows.size());
        } catch (WriteException e) {
            if (e.kind() != WriteException.Kind.DATA) {
                metrics.insertFailures.increment();
                throw e;
            }
            split = true;
            if (rows.size() == 1) {
                // The event passed validation yet ClickHouse refuses it: it goes to the dead-letter
                // topic (as its canonical JSON) rather than blocking its partition.
                EventRow row = rows.get(0);
                deadLetters.publish(new DeadLetter(
                        row.topic(),
                        row.topicId(),
                        row.partition(),
                        row.offset(),
                        -1,
                        row.event().userId().getBytes(StandardCharsets.UTF_8),
                        codec.encode(row.event()),
                        DeadLetter.REJECTED_BY_CLICKHOUSE,
                        "rejected by ClickHouse: " + e.getMessage()));
                metrics.deadLettered.increment();
                LOG.warn(
                        "offset {} of {}-{} dead-lettered: {}",
                        row.offset(),
                        row.topic(),
                        row.partition(),
                        e.getMessage());
                return;
            }
            int half = rows.size() / 2; // bisect: the good rows are stored, the bad ones isolated
            insertPart(rows.subList(0, half));
            insertPart(rows.subList(half, rows.size()));
        }
    }
}
