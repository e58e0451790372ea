package io.clickstream.consumer.dlq;

import org.apache.kafka.clients.consumer.ConsumerRecord;

/** A record that could not be stored, where it came from, and why. */
public record DeadLetter(
        String sourceTopic,
        int sourcePartition,
        long sourceOffset,
        long sourceTimestamp,
        byte[] key,
        byte[] value,
        String reason) {

    public static DeadLetter of(ConsumerRecord<byte[], byte[]> record, String reason) {
        return new DeadLetter(
                record.topic(),
                record.partition(),
                record.offset(),
                record.timestamp(),
                record.key(),
                record.value(),
                reason);
    }
}
