package io.clickstream.consumer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The replay's decisions on an in-memory store; the ClickHouse and Kafka paths run in DeadLetterReplayIT. */
class DeadLetterReplayTest {
    private static final UUID TOPIC_ID = new UUID(7, 7);
    private static final EventCodec CODEC = new EventCodec();

    /** dead_letters and dead_letter_replays, in memory, with the same order and anti-join. */
    private static final class MemoryStore implements ReplayStore {
        final List<StoredDeadLetter> letters = new ArrayList<>();
        final Set<Long> replayed = new HashSet<>();
        final Set<UUID> events = new HashSet<>();

        @Override
        public List<StoredDeadLetter> page(List<String> classes, Instant since, StoredDeadLetter after, int limit) {
            return letters.stream()
                    .filter(l ->
                            classes.contains(l.reasonClass()) && !l.receivedAt().isBefore(since))
                    .filter(l -> after == null || l.sourceOffset() > after.sourceOffset())
                    .filter(l -> !replayed.contains(l.sourceOffset()))
                    .sorted(Comparator.comparingLong(StoredDeadLetter::sourceOffset))
                    .limit(limit)
                    .toList();
        }

        @Override
        public Set<UUID> storedEventIds(Collection<UUID> ids) {
            Set<UUID> stored = new HashSet<>(ids);
            stored.retainAll(events);
            return stored;
        }

        @Override
        public void markReplayed(List<Replayed> done) {
            done.forEach(r -> replayed.add(r.letter().sourceOffset()));
        }
    }

    /** Kafka: every send acknowledged, at the next offset, unless {@code refuse}. */
    private static final class MemoryTopic implements DeadLetterReplay.Publisher {
        final List<byte[]> records = new ArrayList<>();
        boolean refuse;

        @Override
        public List<Sent> send(List<StoredDeadLetter> letters) {
            List<Sent> sent = new ArrayList<>();
            for (StoredDeadLetter l : letters) {
                if (refuse) {
                    sent.add(null);
                } else {
                    records.add(l.payload());
                    sent.add(new Sent("events", 0, records.size() - 1));
                }
            }
            return sent;
        }
    }

    private final MemoryStore store = new MemoryStore();
    private final MemoryTopic topic = new MemoryTopic();
    private final List<String> log = new ArrayList<>();
    private final DeadLetterReplay replay = new DeadLetterReplay(store, topic, CODEC, log::add);

    private static byte[] event(UUID id) {
        return CODEC.encode(ClickEvent.of(
                id,
                EventType.PURCHASE,
                "user_1",
                "prod_1",
                new BigDecimal("12.50"),
                Instant.parse("2026-11-25T10:00:00Z")));
    }

    private void letter(long offset, String reasonClass, byte[] payload, long payloadBytes, Instant receivedAt) {
        store.letters.add(new StoredDeadLetter(
                receivedAt,
                reasonClass,
                "why " + offset,
                "events",
                TOPIC_ID,
                0,
                offset,
                "user_1".getBytes(StandardCharsets.UTF_8),
                payload,
                payloadBytes));
    }

    private void letter(long offset, String reasonClass, byte[] payload) {
        letter(offset, reasonClass, payload, payload.length, Instant.parse("2026-11-25T11:00:00Z"));
    }

    @Test
    void sendsValidPayloadsOnceAndSkipsTheRestWithReasons() throws Exception {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        letter(1, "rejected_by_clickhouse", event(a));
        letter(2, "malformed", "{not json".getBytes(StandardCharsets.UTF_8));
        letter(
                3,
                "too_large",
                "{\"pad\":".getBytes(StandardCharsets.UTF_8),
                2_000_000,
                Instant.parse("2026-11-25T11:00:00Z"));
        letter(4, "invalid_value", event(b));

        DeadLetterReplay.Summary dry = replay.run(DeadLetterReplay.REASON_CLASSES, Instant.EPOCH, true);
        assertEquals(2, dry.replayed());
        assertEquals(0, topic.records.size(), "a dry run sends nothing");
        assertEquals(Set.of(), store.replayed, "and records nothing");

        DeadLetterReplay.Summary first = replay.run(DeadLetterReplay.REASON_CLASSES, Instant.EPOCH, false);
        assertEquals(Map.of("invalid_value", 1L, "rejected_by_clickhouse", 1L), first.replayedByClass());
        assertEquals(1, first.stillInvalid());
        assertEquals(1, first.truncated());
        assertEquals(2, topic.records.size());
        assertTrue(
                first.examples().stream().anyMatch(e -> e.contains("events-0@2") && e.contains("still invalid")),
                first.examples().toString());

        DeadLetterReplay.Summary second = replay.run(DeadLetterReplay.REASON_CLASSES, Instant.EPOCH, false);
        assertEquals(0, second.replayed(), "a second run sends nothing again");
        assertEquals(2, topic.records.size());
        assertEquals(1, second.stillInvalid(), "skipped letters stay replayable after a further fix");
    }

    @Test
    void anEventAlreadyStoredIsRecordedNotSent() throws Exception {
        UUID stored = UUID.randomUUID();
        letter(1, "rejected_by_clickhouse", event(stored));
        store.events.add(stored); // an earlier run sent it and stopped before recording it
        DeadLetterReplay.Summary summary = replay.run(DeadLetterReplay.REASON_CLASSES, Instant.EPOCH, false);
        assertEquals(0, summary.replayed());
        assertEquals(1, summary.alreadyStored());
        assertEquals(0, topic.records.size());
        assertEquals(Set.of(1L), store.replayed);
    }

    @Test
    void filtersByReasonClassAndTimeAndPagesThroughLargeBacklogs() throws Exception {
        for (int i = 0; i < DeadLetterReplay.PAGE_SIZE * 2 + 7; i++) {
            letter(100 + i, i % 2 == 0 ? "rejected_by_clickhouse" : "invalid_value", event(UUID.randomUUID()));
        }
        byte[] old = event(UUID.randomUUID());
        letter(5, "rejected_by_clickhouse", old, old.length, Instant.parse("2026-11-20T00:00:00Z"));
        DeadLetterReplay.Summary summary =
                replay.run(List.of("rejected_by_clickhouse"), Instant.parse("2026-11-25T00:00:00Z"), false);
        assertEquals(DeadLetterReplay.PAGE_SIZE + 4, summary.replayed(), "every other one of 1,007, none older");
        assertEquals(DeadLetterReplay.PAGE_SIZE + 4, topic.records.size());
        assertTrue(log.size() >= 2, "progress per page: " + log);
    }

    @Test
    void kafkaRefusingStopsTheRunAndRecordsNothingUnsent() throws Exception {
        letter(1, "rejected_by_clickhouse", event(UUID.randomUUID()));
        topic.refuse = true;
        DeadLetterReplay.Summary summary = replay.run(DeadLetterReplay.REASON_CLASSES, Instant.EPOCH, false);
        assertEquals(1, summary.failed());
        assertEquals(Set.of(), store.replayed, "a later run sends it");
    }
}
