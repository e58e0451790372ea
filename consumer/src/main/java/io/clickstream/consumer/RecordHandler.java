package io.clickstream.consumer;

import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.BlockBuffers;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.EventCodec;
import io.clickstream.model.InvalidEventException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * One record: decoded and buffered in its partition's block, or, if it is not a valid event,
 * dead-lettered with the reason (its offset still counts for the block). Decided by the
 * record's bytes alone, so a block formed again from the same offsets holds the same rows.
 */
final class RecordHandler {
    private final EventCodec codec;
    private final BlockBuffers buffers;
    private final DeadLetterPublisher deadLetters;
    private final IngestMetrics metrics;

    RecordHandler(EventCodec codec, BlockBuffers buffers, DeadLetterPublisher deadLetters, IngestMetrics metrics) {
        this.codec = codec;
        this.buffers = buffers;
        this.deadLetters = deadLetters;
        this.metrics = metrics;
    }

    void handle(TopicPartition partition, ConsumerRecord<byte[], byte[]> record) {
        try {
            buffers.add(
                    partition,
                    new EventRow(
                            codec.decode(record.value()),
                            record.topic(),
                            buffers.topicId(partition),
                            record.partition(),
                            record.offset()));
        } catch (InvalidEventException e) {
            deadLetters.publish(DeadLetter.of(record, buffers.topicId(partition), e));
            metrics.deadLettered.increment();
            buffers.skip(partition, record.offset());
        }
    }
}
