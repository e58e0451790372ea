package io.clickstream.consumer.replay;

import io.clickstream.consumer.kafka.ConsumerClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Sends replayed payloads to the events topic with their original key (so a user's events stay
 * on one partition) and a {@value #REPLAY_OF} header naming the dead letter they came from.
 * Idempotent producer, acks=all: an acknowledged copy is durable and written once.
 */
final class KafkaReplayPublisher implements DeadLetterReplay.Publisher, AutoCloseable {
    /** Header on every replayed record: {@code <topic>-<partition>@<offset>} of the original. */
    static final String REPLAY_OF = "dlq.replay.of";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    KafkaReplayPublisher(String bootstrapServers, String topic, Duration timeout) {
        this.producer = ConsumerClients.durableProducer(bootstrapServers, "clickstream-replay-dead-letters", timeout);
        this.topic = topic;
    }

    @Override
    public List<Sent> send(List<StoredDeadLetter> letters) {
        List<Future<RecordMetadata>> results = new ArrayList<>();
        for (StoredDeadLetter letter : letters) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(REPLAY_OF, letter.coordinates().getBytes(StandardCharsets.UTF_8));
            byte[] key = letter.key().length == 0 ? null : letter.key();
            try {
                results.add(producer.send(new ProducerRecord<>(topic, null, key, letter.payload(), headers)));
            } catch (KafkaException e) {
                results.add(CompletableFuture.failedFuture(e));
            }
        }
        producer.flush();
        List<Sent> sent = new ArrayList<>();
        for (Future<RecordMetadata> result : results) {
            try {
                RecordMetadata m = result.get();
                sent.add(new Sent(m.topic(), m.partition(), m.offset()));
            } catch (ExecutionException e) {
                sent.add(null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sent.add(null);
            }
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
