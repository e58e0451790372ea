package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Block;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class IsolatingInserterTest {
    private final List<String> calls = new ArrayList<>();
    private final InMemoryEventWriter writer = new InMemoryEventWriter(calls);
    private final RecordingDeadLetters deadLetters = new RecordingDeadLetters();
    private final IngestMetrics metrics = new IngestMetrics();
    private final IsolatingInserter inserter = new IsolatingInserter(writer, deadLetters, new EventCodec(), metrics);

    private static List<EventRow> rows(int count) {
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new EventRow(
                    ClickEvent.of(new UUID(0, i), EventType.PAGE_VIEW, "user_" + i, "p", BigDecimal.ONE, Instant.EPOCH),
                    "t",
                    new UUID(1, 1),
                    0,
                    i));
        }
        return rows;
    }

    private static Block block(List<EventRow> rows) {
        return Block.of(new TopicPartition("t", 0), new UUID(1, 1), 0, rows.size(), rows);
    }

    @Test
    void aGoodBlockIsOneInsertWithTheBlockToken() throws Exception {
        List<EventRow> rows = rows(1000);
        inserter.insert(block(rows));
        assertEquals(List.of("write 1000"), calls);
        assertEquals(Set.of(IsolatingInserter.tokenOf(rows)), writer.tokens);
        assertEquals(1000, metrics.inserted.sum());
    }

    @Test
    void rowsClickHouseRefusesAreBisectedOutAndDeadLettered() throws Exception {
        writer.rejectRows(row -> row.offset() == 3 || row.offset() == 6);
        inserter.insert(block(rows(8)));
        assertEquals(6, writer.stored.size(), "every other row stored");
        assertEquals(2, deadLetters.letters.size());
        assertEquals(2, metrics.deadLettered.sum());
    }

    @Test
    void aBlockThatFailedWhileBeingBisectedIsSentAgainWithoutDuplicates() throws Exception {
        writer.rejectRows(row -> row.offset() == 6);
        writer.failOnWrite(4, WriteException.Kind.RETRIABLE); // ClickHouse goes away in the middle of the bisection
        Block block = block(rows(8));
        assertThrows(WriteException.class, () -> inserter.insert(block));
        assertTrue(writer.stored.size() > 0, "part of the block was stored before the failure");
        inserter.insert(block); // the retry: the same block, bisected the same way
        assertEquals(7, writer.stored.size());
        assertEquals(List.of(), writer.duplicates);
    }

    @Test
    void aRefusalAfterTheBlockWasStoredIsNotBisectedButStopsTheConsumer() {
        // A materialized view fails after events stored the block: ClickHouse answers with an error.
        writer.failInView();
        WriteException e = assertThrows(WriteException.class, () -> inserter.insert(block(rows(10))));
        assertEquals(WriteException.Kind.FATAL, e.kind());
        assertTrue(e.getMessage().contains("materialized view"), e.getMessage());
        assertEquals(10, writer.stored.size());
        assertEquals(List.of(), writer.duplicates, "no half stored again under another token");
        assertEquals(0, deadLetters.letters.size(), "no stored row dead-lettered");
    }

    @Test
    void aRetriableFailureIsThrownAndNothingIsDeadLettered() {
        writer.failNext(1, WriteException.Kind.RETRIABLE, false);
        WriteException e = assertThrows(WriteException.class, () -> inserter.insert(block(rows(10))));
        assertEquals(WriteException.Kind.RETRIABLE, e.kind());
        assertEquals(0, deadLetters.letters.size());
        assertEquals(1, metrics.insertFailures.sum());
    }
}
