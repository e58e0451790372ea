package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.processing.EventRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;

/** The in-memory twin of ClickHouse for unit tests, with scripted failures. */
final class InMemoryEventWriter implements EventWriter {
    /** (topic ID-partition-offset) → row; a key seen twice is a duplicate. */
    final TreeMap<String, EventRow> stored = new TreeMap<>();

    final List<String> duplicates = new ArrayList<>();
    /** Log of calls, interleaved by tests with commits, to check ordering. */
    final List<String> calls;

    private int failuresLeft;
    private int failureCode;
    private WriteException.Kind failureKind;
    private boolean storeBeforeFailing;
    private Predicate<EventRow> rejected = row -> false;

    /** What {@link #erasures()} answers. */
    List<io.clickstream.consumer.erasure.ErasureList.Entry> erasures = List.of();

    InMemoryEventWriter(List<String> calls) {
        this.calls = calls;
    }

    @Override
    public List<io.clickstream.consumer.erasure.ErasureList.Entry> erasures() {
        return erasures;
    }

    /** The next {@code times} writes fail with {@code kind}; if {@code storeFirst}, they store the rows first (a timeout after the write). */
    void failNext(int times, WriteException.Kind kind, boolean storeFirst) {
        failuresLeft = times;
        failureKind = kind;
        failureCode = kind == WriteException.Kind.FATAL ? 516 : 0;
        storeBeforeFailing = storeFirst;
    }

    /** The next inserts fail with ClickHouse error {@code code}, classified retriable, storing nothing. */
    void failNextWithCode(int times, int code) {
        failNext(times, WriteException.Kind.RETRIABLE, false);
        failureCode = code;
    }

    /** The {@code nth} write from now (1: the next) fails with {@code kind}, storing nothing. */
    void failOnWrite(int nth, WriteException.Kind kind) {
        failOnWrite = nth;
        failOnWriteKind = kind;
    }

    private int failOnWrite;
    private WriteException.Kind failOnWriteKind;

    /**
     * The next write is held by the server past the client's timeout: the client sees a
     * RETRIABLE failure, and the rows land only when {@link #landHeld()} is called (a slow first
     * attempt: a table lock, a frozen consumer's insert in flight).
     */
    void holdNext() {
        holdNext = true;
    }

    private boolean holdNext;
    private List<EventRow> heldRows;
    private String heldToken;

    /** Whether a held write waits to land. */
    boolean holdsAnInsert() {
        return heldRows != null;
    }

    /** The held write lands now, deduplicated by its token like any other. */
    void landHeld() {
        store(heldRows, heldToken);
        heldRows = null;
    }

    /** The next write stores the rows, then fails as a materialized view does that refuses them. */
    void failInView() {
        failInView = true;
    }

    private boolean failInView;

    /** Rows matching are refused as bad data, like a value ClickHouse cannot store. */
    void rejectRows(Predicate<EventRow> predicate) {
        rejected = predicate;
    }

    /** Tokens of stored inserts: like ClickHouse's deduplication window, a known token stores nothing. */
    final Set<String> tokens = new HashSet<>();

    int deduplicatedInserts;

    static String key(UUID topicId, int partition, long offset) {
        return topicId + "-" + partition + "@" + String.format("%09d", offset);
    }

    @Override
    public void write(List<EventRow> rows, String deduplicationToken) throws WriteException {
        calls.add("write " + rows.size());
        if (holdNext) {
            holdNext = false;
            heldRows = List.copyOf(rows);
            heldToken = deduplicationToken;
            throw new WriteException(
                    WriteException.Kind.RETRIABLE, 0, "scripted timeout: the server holds the insert", null);
        }
        if (failInView) {
            failInView = false;
            store(rows, deduplicationToken);
            throw new WriteException(
                    WriteException.Kind.DATA,
                    6,
                    "Code: 6. DB::Exception: Cannot parse string 'zz' as UInt32: while pushing to view"
                            + " clickstream.events_per_minute_mv. (CANNOT_PARSE_TEXT)",
                    null);
        }
        if (failOnWrite > 0 && --failOnWrite == 0) {
            throw new WriteException(failOnWriteKind, 0, "scripted " + failOnWriteKind + " on this write", null);
        }
        if (failuresLeft > 0) {
            failuresLeft--;
            if (storeBeforeFailing) {
                store(rows, deduplicationToken);
            }
            throw new WriteException(failureKind, failureCode, "scripted " + failureKind + " " + failureCode, null);
        }
        if (rows.stream().anyMatch(rejected)) {
            throw new WriteException(WriteException.Kind.DATA, 53, "scripted TYPE_MISMATCH", null);
        }
        store(rows, deduplicationToken);
    }

    private void store(List<EventRow> rows, String token) {
        if (!tokens.add(token)) {
            deduplicatedInserts++;
            return;
        }
        for (EventRow row : rows) {
            String key = key(row.topicId(), row.partition(), row.offset());
            if (stored.put(key, row) != null) {
                duplicates.add(key);
            }
        }
    }

    private void failLookupIfScripted() throws WriteException {
        if (failuresLeft > 0 && failureKind != WriteException.Kind.DATA) {
            failuresLeft--;
            throw new WriteException(failureKind, 0, "scripted lookup " + failureKind, null);
        }
    }

    @Override
    public StoredRange storedRange(String topic, UUID topicId, int partition, long fromOffset) throws WriteException {
        calls.add("lookup " + topic + "-" + partition + " from " + fromOffset);
        failLookupIfScripted();
        SortedMap<String, EventRow> range =
                stored.subMap(key(topicId, partition, fromOffset), key(topicId, partition + 1, 0));
        return range.isEmpty()
                ? StoredRange.NONE
                : new StoredRange(range.size(), range.get(range.lastKey()).offset());
    }

    @Override
    public Set<Long> storedOffsets(String topic, UUID topicId, int partition, long fromOffset, long toOffset)
            throws WriteException {
        calls.add("lookup " + topic + "-" + partition + " " + fromOffset + ".." + toOffset);
        failLookupIfScripted();
        Set<Long> offsets = new HashSet<>();
        for (EventRow row : stored.subMap(key(topicId, partition, fromOffset), key(topicId, partition, toOffset + 1))
                .values()) {
            offsets.add(row.offset());
        }
        return offsets;
    }
}
