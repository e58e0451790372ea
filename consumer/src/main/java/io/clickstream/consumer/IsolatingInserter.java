package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dedup.BatchToken;
import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Block;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.EventCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts a block as one insert with its deduplication token; if ClickHouse refuses some rows
 * as bad data, bisects until the refused rows stand alone, stores the rest, and sends each
 * refused row to the dead-letter topic. Retriable and fatal failures are thrown to the caller.
 * The bisection is deterministic (halves of the same rows, each with the token of its rows),
 * so a retry of a block that failed while being bisected stores nothing twice.
 *
 * <p>A refusal by a materialized view is not bisected: ClickHouse answers with an error that
 * names the view ({@value #VIEW_FAILURE}) after the block was written to {@code events} (the
 * rows are kept). Bisecting then would store halves under new tokens (duplicates) and
 * dead-letter rows that are stored; instead the consumer stops without committing, naming the
 * view's error, and after the view is fixed the same block is sent again: {@code events} drops
 * it as a duplicate and the views receive it (checked on the ClickHouse engine: {@code ViewFailureIT}).
 */
final class IsolatingInserter {
    private static final Logger LOG = LoggerFactory.getLogger(IsolatingInserter.class);

    /** How ClickHouse names a failure inside a materialized view: the source block is stored by then. */
    static final String VIEW_FAILURE = "while pushing to view";

    private final EventWriter writer;
    private final DeadLetterPublisher deadLetters;
    private final EventCodec codec;
    private final IngestMetrics metrics;

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
     * Stores the block's rows (or dead-letters the ones ClickHouse refuses).
     *
     * @throws WriteException RETRIABLE or FATAL
     */
    void insert(Block block) throws WriteException {
        try {
            writer.write(block.rows(), block.token());
            metrics.inserted.add(block.rows().size());
        } catch (WriteException e) {
            if (e.kind() != WriteException.Kind.DATA) {
                metrics.insertFailures.increment();
                throw e;
            }
            if (e.getMessage() != null && e.getMessage().contains(VIEW_FAILURE)) {
                throw new WriteException(
                        WriteException.Kind.FATAL,
                        e.code(),
                        "a materialized view refused " + block + " after events stored it: " + e.getMessage()
                                + ". Fix the view and restart the consumer: the block is sent again with its token,"
                                + " events keeps one copy and the views receive it",
                        e);
            }
            bisect(block.rows(), e);
        }
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
            bisect(rows, e);
        }
    }

    private void bisect(List<EventRow> rows, WriteException e) throws WriteException {
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
                    "offset {} of {}-{} dead-lettered: {}", row.offset(), row.topic(), row.partition(), e.getMessage());
            return;
        }
        int half = rows.size() / 2; // bisect: the good rows are stored, the bad ones isolated
        insertPart(rows.subList(0, half));
        insertPart(rows.subList(half, rows.size()));
    }
}
