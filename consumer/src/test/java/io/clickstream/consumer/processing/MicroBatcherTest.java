package io.clickstream.consumer.processing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {
    private long now;
    private final MicroBatcher batcher = new MicroBatcher(3, Duration.ofSeconds(5), () -> now);

    private static EventRow row(int partition, long offset) {
        return new EventRow(
                ClickEvent.of(
                        UUID.randomUUID(),
                        EventType.PAGE_VIEW,
                        "u",
                        "p",
                        BigDecimal.ONE,
                        Instant.parse("2026-11-25T12:00:00Z")),
                "t",
                new UUID(0, 0),
                partition,
                offset);
    }

    @Test
    void sizeTriggerFiresAtMaxRows() {
        batcher.add(row(0, 0));
        batcher.add(row(0, 1));
        assertFalse(batcher.flushDue());
        batcher.add(row(0, 2));
        assertTrue(batcher.flushDue());
    }

    @Test
    void timeTriggerCountsFromTheFirstRow() {
        assertEquals(Long.MAX_VALUE, batcher.nanosUntilDue());
        now = 1_000;
        batcher.add(row(0, 0));
        now += 4_000_000_000L;
        batcher.add(row(0, 1));
        assertFalse(batcher.flushDue());
        assertEquals(1_000_000_000L, batcher.nanosUntilDue());
        now += 1_000_000_000L;
        assertTrue(batcher.flushDue());
    }

    @Test
    void offsetOnlyRecordsStartTheClockTooAndTakeResets() {
        batcher.touch();
        assertTrue(batcher.started());
        now += 5_000_000_000L;
        assertTrue(batcher.flushDue(), "a dead-lettered record's offset is committed within the max wait");
        batcher.take();
        assertFalse(batcher.started());
        assertFalse(batcher.flushDue());
    }
}
