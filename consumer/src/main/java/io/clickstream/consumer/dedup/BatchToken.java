package io.clickstream.consumer.dedup;

import io.clickstream.consumer.processing.EventRow;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * The deduplication token of an insert: a digest of the source coordinates (topic ID,
 * partition, offset) of every row, in order. The same rows give the same token, so a batch
 * re-sent after a lost answer is recognised by ClickHouse; any other set of rows gives another
 * token, so two different batches are never mistaken for one another (unlike tokens made of
 * offset ranges alone, which collide when a topic is re-created or batches overlap).
 */
public final class BatchToken {
    private static final String VERSION = "cs1-";

    private BatchToken() {}

    public static String of(List<EventRow> rows) {
        MessageDigest sha256 = sha256();
        ByteBuffer coordinates = ByteBuffer.allocate(16 + 4 + 8);
        for (EventRow row : rows) {
            coordinates.clear();
            coordinates
                    .putLong(row.topicId().getMostSignificantBits())
                    .putLong(row.topicId().getLeastSignificantBits())
                    .putInt(row.partition())
                    .putLong(row.offset());
            sha256.update(coordinates.array());
        }
        // 128 bits of the digest: collisions are out of reach for any number of batches.
        return VERSION + HexFormat.of().formatHex(sha256.digest(), 0, 16) + "-" + rows.size();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
