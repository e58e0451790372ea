package io.clickstream.consumer.dedup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class StoredRecordFilterTest {
    private static final UUID TOPIC_ID = new UUID(5, 5);
    private static final TopicPartition P0 = new TopicPartition("t", 0);

    /** Offsets stored for partition 0 of TOPIC_ID; every question asked is logged. */
    private final TreeSet<Long> stored = new TreeSet<>();

    private final List<String> questions = new ArrayList<>();
    private final EventWriter writer = new EventWriter() {
        @Override
        public void write(List<EventRow> rows, String deduplicationToken) {
            throw new UnsupportedOperationException();
        }

        @Override
        public StoredRange storedRange(String topic, UUID topicId, int partition, long fromOffset) {
            questions.add("range from " + fromOffset);
            Set<Long> tail = stored.tailSet(fromOffset);
            return tail.isEmpty() ? StoredRange.NONE : new StoredRange(tail.size(), stored.last());
        }

        @Override
        public Set<Long> storedOffsets(String topic, UUID topicId, int partition, long fromOffset, long toOffset) {
            questions.add("offsets " + fromOffset + ".." + toOffset);
            return new TreeSet<>(stored.subSet(fromOffset, true, toOffset, true));
        }
    };
    private final StoredRecordFilter filter = new StoredRecordFilter(writer);

    private static List<EventRow> batch(long from, int count) {
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new EventRow(
                    ClickEvent.of(UUID.randomUUID(), EventType.PAGE_VIEW, "u", "p", BigDecimal.ONE, Instant.EPOCH),
                    "t",
                    TOPIC_ID,
                    0,
                    from + i));
        }
        return rows;
    }

    private void store(long from, long to) {
        for (long o = from; o <= to; o++) {
            stored.add(o);
        }
    }

    @Test
    void nothingStoredMeansNoQuestionAfterAssignment() throws Exception {
        assertEquals(0, filter.assigned(P0, TOPIC_ID, 0));
        List<EventRow> rows = batch(0, 1000);
        assertEquals(0, filter.removeStored(rows));
        assertEquals(1000, rows.size());
        assertEquals(List.of("range from 0"), questions);
    }

    @Test
    void storedRecordsAreRemovedOneBatchAtATimeUpToTheHorizon() throws Exception {
        store(0, 2_499); // a crashed run stored 2,500 records and committed none
        assertEquals(2_500, filter.assigned(P0, TOPIC_ID, 0));
        for (int b = 0; b < 3; b++) {
            List<EventRow> rows = batch(b * 1000L, 1000);
            filter.removeStored(rows);
            assertEquals(b < 2 ? 0 : 500, rows.size(), "batch " + b);
        }
        List<EventRow> later = batch(3000, 1000);
        assertEquals(0, filter.removeStored(later));
        assertEquals(
                List.of("range from 0", "offsets 0..999", "offsets 1000..1999", "offsets 2000..2499"),
                questions,
                "one bounded question per batch up to the horizon, none after it");
    }

    @Test
    void gapsInTheStoredOffsetsKeepTheirRows() throws Exception {
        store(0, 99);
        store(200, 299); // 100..199 were dead letters, or not stored by the failed run
        filter.assigned(P0, TOPIC_ID, 0);
        List<EventRow> rows = batch(0, 400);
        assertEquals(200, filter.removeStored(rows));
        assertEquals(
                List.of(100L, 199L, 300L, 399L),
                List.of(
                        rows.get(0).offset(),
                        rows.get(99).offset(),
                        rows.get(100).offset(),
                        rows.get(199).offset()));
    }
}
