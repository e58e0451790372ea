package io.clickstream.consumer.replay;

import java.time.Instant;
import java.util.UUID;

/** One row of {@code dead_letters}, as replay reads it: the payload's exact bytes (up to the stored size). */
record StoredDeadLetter(
        Instant receivedAt,
        String reasonClass,
        String reason,
        String sourceTopic,
        UUID sourceTopicId,
        int sourcePartition,
        long sourceOffset,
        byte[] key,
        byte[] payload,
        long payloadBytes) {

    /** The table kept only the start of the payload: it cannot be replayed. */
    boolean truncated() {
        return payloadBytes > payload.length;
    }

    String coordinates() {
        return sourceTopic + "-" + sourcePartition + "@" + sourceOffset;
    }
}
