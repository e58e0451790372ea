package io.clickstream.consumer.dlq;

import io.clickstream.model.InvalidEventException;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A record that could not be stored, where it came from, and why.
 *
 * @param sourceTopicId   Kafka's ID of the source topic (distinguishes a re-created topic's offsets)
 * @param sourceTimestamp the record's Kafka timestamp in epoch milliseconds, or -1 if unknown
 * @param reasonClass     what kind of problem: an {@link InvalidEventException.Kind} label or
 *                        {@value #REJECTED_BY_CLICKHOUSE}; dead letters are counted and replayed by it
 */
public record DeadLetter(
        String sourceTopic,
        UUID sourceTopicId,
        int sourcePartition,
        long sourceOffset,
        long sourceTimestamp,
        byte[] key,
        byte[] value,
        String reasonClass,
        String reason) {

    /** A valid event that ClickHouse refused (a constraint, a column it cannot hold). */
    public static final String REJECTED_BY_CLICKHOUSE = "rejected_by_clickhouse";

    /** A record that is not a valid event. */
    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, UUID topicId, InvalidEventException error) {
        return new DeadLetter(
                record.topic(),
                topicId,
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                error.kind().label(),
                error.getMessage());
    }
}
