package io.clickstream.consumer.erasure;

import java.util.Map;
import java.util.UUID;

/** Where the events topic ends now, and where the consumer group has committed. */
public interface KafkaPositions {
    /** The topic's ID and the end offset of each of its partitions, partitions 0 to n-1 in order. */
    record Horizon(UUID topicId, Map<Integer, Long> offsets) {}

    Horizon endOffsets() throws CustomerErasure.ErasureException;

    /** The group's committed offset per partition (absent: none committed). */
    Map<Integer, Long> committed() throws CustomerErasure.ErasureException;
}
