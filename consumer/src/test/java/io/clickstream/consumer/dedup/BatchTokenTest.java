package io.clickstream.consumer.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BatchTokenTest {
    private static final UUID TOPIC = new UUID(1, 2);

    private static EventRow row(UUID topicId, int partition, long offset) {
        return new EventRow(
                ClickEvent.of(
                        new UUID(partition, offset), EventType.PAGE_VIEW, "u", "p", BigDecimal.ONE, Instant.EPOCH),
                "t",
                topicId,
                partition,
                offset);
    }

    private static List<EventRow> rows(UUID topicId, int partition, long from, int count) {
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(row(topicId, partition, from + i));
        }
        return rows;
    }

    @Test
    void theSameRowsGiveTheSameToken() {
        assertEquals(BatchToken.of(rows(TOPIC, 0, 0, 1000)), BatchToken.of(rows(TOPIC, 0, 0, 1000)));
        assertTrue(BatchToken.of(rows(TOPIC, 0, 0, 1000)).matches("cs1-[0-9a-f]{32}-1000"));
    }

    @Test
    void anyOtherSetOfRowsGivesAnotherToken() {
        String token = BatchToken.of(rows(TOPIC, 0, 0, 1000));
        assertNotEquals(token, BatchToken.of(rows(new UUID(3, 4), 0, 0, 1000)), "same offsets of a re-created topic");
        assertNotEquals(token, BatchToken.of(rows(TOPIC, 1, 0, 1000)), "another partition");
        assertNotEquals(token, BatchToken.of(rows(TOPIC, 0, 1, 1000)), "shifted by one");
        assertNotEquals(token, BatchToken.of(rows(TOPIC, 0, 0, 999)), "one row fewer");
        List<EventRow> gap = rows(TOPIC, 0, 0, 1001);
        gap.remove(500); // same first and last offset and count as another batch: a dead letter in the middle
        List<EventRow> otherGap = rows(TOPIC, 0, 0, 1001);
        otherGap.remove(501);
        assertNotEquals(BatchToken.of(gap), BatchToken.of(otherGap), "offset ranges alone would collide here");
    }
}
