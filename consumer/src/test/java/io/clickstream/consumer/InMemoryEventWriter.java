package io.clickstream.consumer;

import io.clickstream.consumer.clickhouse.EventWriter;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.processing.EventRow;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** The in-memory twin of ClickHouse for unit tests, with scripted failures. */
final class InMemoryEventWriter implements EventWriter {
    /** (topic-partition-offset) → row; a key seen twice is a duplicate. */
    final TreeMap<String, EventRow> stored = new TreeMap<>();
    final List<String> duplicates = new ArrayList<>();
    /** Log of calls, interleaved by tests with commits, to check ordering. */
    final List<String> calls;
    private int failuresLeft;
    private WriteException.Kind failureKind;
    private boolean storeBeforeFailing;
    private Predicate<EventRow> rejected = row -> false;

    InMemoryEventWriter(List<String> calls) {
        this.calls = calls;
    }

    /** The next {@code times} writes fail with {@code kind}; if {@code storeFirst}, they store the rows first (a timeout after the write). */
    void failNext(int times, WriteException.Kind kind, boolean storeFirst) {
        failuresLeft = times;
        failureKind = kind;
        storeBeforeFailing = storeFirst;
    }

    /** Rows matching are refused as bad data, like a value ClickHouse cannot store. */
    void rejectRows(Predicate<EventRow> predicate) {
        rejected = predicate;
    }

    static String key(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + String.format("%09d", offset);
    }

    @Override
    public void write(List<EventRow> rows) throws WriteException {
        calls.add("write " + rows.size());
        if (failuresLeft > 0) {
            failuresLeft--;
            if (storeBeforeFailing) {
                rows.forEach(this::store);
            }
            throw new WriteException(failureKind, failureKind == WriteException.Kind.FATAL ? 516 : 0, "scripted " + failureKind, null);
        }
        if (rows.stream().anyMatch(rejected)) {
            throw new WriteException(WriteException.Kind.DATA, 53, "scripted TYPE_MISMATCH", null);
        }
        rows.forEach(this::store);
    }

    private void store(EventRow row) {
        if (stored.put(key(row.topic(), row.partition(), row.offset()), row) != null) {
            duplicates.add(key(row.topic(), row.partition(), row.offset()));
        }
    }

    @Override
    public Set<Long> storedOffsets(String topic, int partition, long fromOffset) throws WriteException {
        calls.add("lookup " + topic + "-" + partition + " from " + fromOffset);
        if (failuresLeft > 0 && failureKind != WriteException.Kind.DATA) {
            failuresLeft--;
            throw new WriteException(failureKind, 0, "scripted lookup " + failureKind, null);
        }
        Set<Long> offsets = new HashSet<>();
        for (EventRow row : stored.values()) {
            if (row.topic().equals(topic) && row.partition() == partition && row.offset() >= fromOffset) {
                offsets.add(row.offset());
            }
        }
        return offsets;
    }
}
