package io.clickstream.consumer.erasure;

import io.clickstream.consumer.processing.EventRow;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The erased ids (table {@code erasures}): a row whose customer id or anonymous visitor id is one
 * of them, read from a record below the erasure's horizon in its partition, is not stored again
 * (docs/consumer.md, "Erasures"). Records at or past the horizon, of another topic ID (a topic
 * created after the erasure) or of a partition the topic did not have then are new visits and are
 * stored. Ids are compared by their SHA-256: the table holds no id.
 */
public final class ErasureList {
    public static final ErasureList NONE = new ErasureList(Map.of());

    /** One erased id: its hash, and up to where in the events topic it is erased. */
    public record Entry(String idHash, UUID topicId, Map<Integer, Long> horizon) {
        public Entry {
            horizon = Map.copyOf(horizon);
        }

        boolean covers(EventRow row) {
            Long end = horizon.get(row.partition());
            return row.topicId().equals(topicId) && end != null && row.offset() < end;
        }
    }

    private final Map<String, List<Entry>> byHash;

    private ErasureList(Map<String, List<Entry>> byHash) {
        this.byHash = byHash;
    }

    public static ErasureList of(List<Entry> entries) {
        Map<String, List<Entry>> byHash = new HashMap<>();
        for (Entry e : entries) {
            byHash.computeIfAbsent(e.idHash(), h -> new ArrayList<>()).add(e);
        }
        return byHash.isEmpty() ? NONE : new ErasureList(byHash);
    }

    public boolean isEmpty() {
        return byHash.isEmpty();
    }

    /** How many ids are erased. */
    public int size() {
        return byHash.size();
    }

    /** Whether the row belongs to an erased customer or visitor and was recorded before the erasure. */
    public boolean erased(EventRow row) {
        if (byHash.isEmpty()) {
            return false;
        }
        return covered(row.event().userId(), row) || covered(row.event().customerId(), row);
    }

    private boolean covered(String id, EventRow row) {
        if (id == null || id.isEmpty()) {
            return false;
        }
        List<Entry> entries = byHash.get(hash(id));
        if (entries == null) {
            return false;
        }
        for (Entry e : entries) {
            if (e.covers(row)) {
                return true;
            }
        }
        return false;
    }

    /** The lower-case hex SHA-256 of an id's UTF-8 bytes, as the table holds it. */
    public static String hash(String id) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(id.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
