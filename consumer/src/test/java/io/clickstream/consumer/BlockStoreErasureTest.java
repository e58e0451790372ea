package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.erasure.ErasureList;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Block;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventProperties;
import io.clickstream.model.EventType;
import io.clickstream.model.Traffic;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A block's rows of erased customers (docs/consumer.md, "Erasures"): left out before its first
 * attempt when they are below the erasure's horizon; and a block re-formed from an earlier owner's
 * intent sent as that owner formed it, with or without them, whichever carries the intent's token.
 */
class BlockStoreErasureTest {
    private static final UUID TOPIC_ID = UUID.fromString("0f6c6a52-6a0e-4bb5-9ac4-3f1d2d3c4b5a");
    private static final TopicPartition PARTITION = new TopicPartition("events", 1);

    private final InMemoryEventWriter writer = new InMemoryEventWriter(new ArrayList<>());
    private final IngestMetrics metrics = new IngestMetrics();
    private final BlockStore store = new BlockStore(writer, new RecordingDeadLetters(), new EventCodec(), metrics);

    /** Offsets 10..19: users u0..u4 in turn; offsets 12 and 17 are anon-1's, 15 customer c-42's. */
    private static List<EventRow> rows() {
        List<EventRow> rows = new ArrayList<>();
        for (long offset = 10; offset < 20; offset++) {
            String user = offset == 12 || offset == 17 ? "anon-1" : "u" + offset % 5;
            ClickEvent event = new ClickEvent(
                            new UUID(0, offset),
                            EventType.PAGE_VIEW,
                            user,
                            "p",
                            BigDecimal.ONE,
                            Instant.parse("2026-12-07T10:00:00Z"),
                            "s",
                            "c",
                            "mobile",
                            "Chrome",
                            "Android",
                            null,
                            null,
                            null)
                    .with(Traffic.NONE, offset == 15 ? "c-42" : null, EventProperties.NONE);
            rows.add(new EventRow(event, PARTITION.topic(), TOPIC_ID, PARTITION.partition(), offset));
        }
        return rows;
    }

    private static List<Long> offsets(Block block) {
        return block.rows().stream().map(EventRow::offset).toList();
    }

    /** anon-1 and c-42 erased in partition 1 below {@code horizon}. */
    private void erase(long horizon) throws Exception {
        writer.erasures = List.of(
                new ErasureList.Entry(ErasureList.hash("anon-1"), TOPIC_ID, Map.of(1, horizon)),
                new ErasureList.Entry(ErasureList.hash("c-42"), TOPIC_ID, Map.of(1, horizon)));
        store.assigned(PARTITION, TOPIC_ID, 10);
    }

    @Test
    void rowsOfErasedIdsBelowTheHorizonAreLeftOutBeforeTheFirstAttempt() throws Exception {
        erase(16); // offset 17 (anon-1) is a visit after the erasure
        Block block = store.prepare(Block.of(PARTITION, TOPIC_ID, 10, 20, rows()));
        assertEquals(List.of(10L, 11L, 13L, 14L, 16L, 17L, 18L, 19L), offsets(block));
        assertEquals(2, metrics.erasedSkipped.sum());
    }

    @Test
    void anotherTopicIdOrPartitionIsNotErased() throws Exception {
        writer.erasures = List.of(
                new ErasureList.Entry(ErasureList.hash("anon-1"), UUID.randomUUID(), Map.of(1, 100L)),
                new ErasureList.Entry(ErasureList.hash("c-42"), TOPIC_ID, Map.of(0, 100L)));
        store.assigned(PARTITION, TOPIC_ID, 10);
        assertEquals(
                10,
                store.prepare(Block.of(PARTITION, TOPIC_ID, 10, 20, rows()))
                        .rows()
                        .size());
    }

    @Test
    void aReformedBlockKeepsTheTokenItsFirstOwnerGaveIt() throws Exception {
        erase(100);
        Block all = Block.of(PARTITION, TOPIC_ID, 10, 20, rows());
        // the first owner knew of the erasure: its block had no erased rows
        Block knew = store.prepare(all.reforming(all.withRows(rows().stream()
                        .filter(r -> r.offset() != 12 && r.offset() != 15 && r.offset() != 17)
                        .toList())
                .token()));
        assertEquals(7, knew.rows().size());
        assertEquals(knew.reformedToken(), knew.token());
        // the first owner did not: its block had them, and is sent again as it was
        Block didNot = store.prepare(all.reforming(all.token()));
        assertEquals(10, didNot.rows().size());
        assertEquals(all.token(), didNot.token());
    }

    @Test
    void hashesAreSha256InLowerCaseHex() {
        assertEquals("8fb7893be928286e8d0617fa09ec51245e34b241ab02c9ad75356bf303a45053", ErasureList.hash("c-42"));
        assertEquals(64, ErasureList.hash("anon-1").length());
    }
}
