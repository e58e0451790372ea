package io.clickstream.consumer.dlq;

import io.clickstream.consumer.kafka.ConsumerClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Publishes dead letters to Kafka: the original key and value, the reason and source
 * coordinates in headers ({@value #REASON}, {@value #SOURCE_TOPIC}, ...). A key or value over
 * {@link #MAX_PAYLOAD_BYTES} is cut to that size and {@value #TRUNCATED} says so, so that every
 * poison record fits the dead-letter topic whatever its size (a record that cannot be
 * dead-lettered would block its partition). Letters whose send failed are re-sent by the next
 * {@link #flush()}, so none is dropped. Thread-safe: the polling and insert threads both publish.
 */
public final class KafkaDeadLetterPublisher implements DeadLetterPublisher {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    /** Well under the 1 MiB that a default topic and producer accept, with room for the headers. */
    static final int MAX_PAYLOAD_BYTES = 256 * 1024;

    private static final int MAX_REASON_CHARS = 2_000;

    private record Pending(DeadLetter letter, Future<RecordMetadata> result) {}

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final List<Pending> pending = new ArrayList<>();
    private long published;

    public KafkaDeadLetterPublisher(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Duration.ofMinutes(1));
    }

    /**
     * @param sendTimeout how long a send may wait for the topic's metadata and for its
     *                    acknowledgement, retries included; after that {@link #flush()} reports it
     */
    KafkaDeadLetterPublisher(String bootstrapServers, String topic, Duration sendTimeout) {
        this.producer = ConsumerClients.durableProducer(bootstrapServers, "clickstream-consumer-dlq", sendTimeout);
        this.topic = topic;
    }

    @Override
    public synchronized void publish(DeadLetter letter) {
        RecordHeaders headers = new RecordHeaders();
        String reason = letter.reason().length() > MAX_REASON_CHARS
                ? letter.reason().substring(0, MAX_REASON_CHARS) + "..."
                : letter.reason();
        headers.add(REASON, utf8(reason));
        headers.add(REASON_CLASS, utf8(letter.reasonClass()));
        headers.add(SOURCE_TOPIC, utf8(letter.sourceTopic()));
        if (letter.sourceTopicId() != null) {
            headers.add(SOURCE_TOPIC_ID, utf8(letter.sourceTopicId().toString()));
        }
        headers.add(SOURCE_PARTITION, utf8(Integer.toString(letter.sourcePartition())));
        headers.add(SOURCE_OFFSET, utf8(Long.toString(letter.sourceOffset())));
        headers.add(SOURCE_TIMESTAMP, utf8(Long.toString(letter.sourceTimestamp())));
        headers.add(FAILED_AT, utf8(Instant.now().toString()));
        byte[] key = cut(letter.key());
        byte[] value = cut(letter.value());
        if (key != letter.key() || value != letter.value()) {
            String sizes = (key != letter.key() ? "key=" + letter.key().length + " " : "")
                    + (value != letter.value() ? "value=" + letter.value().length : "");
            headers.add(TRUNCATED, utf8(sizes.trim()));
        }
        Future<RecordMetadata> result;
        try {
            result = producer.send(new ProducerRecord<>(topic, null, key, value, headers));
        } catch (KafkaException e) {
            result = CompletableFuture.failedFuture(e);
        }
        pending.add(new Pending(letter, result));
    }

    @Override
    public synchronized void flush() throws DeadLetterException {
        if (pending.isEmpty()) {
            return;
        }
        producer.flush();
        List<DeadLetter> failed = new ArrayList<>();
        Throwable firstError = null;
        for (Pending p : pending) {
            try {
                p.result().get();
                published++;
            } catch (ExecutionException e) {
                failed.add(p.letter());
                firstError = firstError == null ? e.getCause() : firstError;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failed.add(p.letter());
            }
        }
        pending.clear();
        if (!failed.isEmpty()) {
            failed.forEach(this::publish); // re-sent; the next flush reports them
            throw new DeadLetterException(
                    failed.size() + " dead letters not acknowledged by " + topic
                            + (firstError == null ? "" : ": " + firstError),
                    firstError);
        }
    }

    @Override
    public synchronized long published() {
        return published;
    }

    @Override
    public void close() {
        producer.close(CLOSE_TIMEOUT);
    }

    private static byte[] cut(byte[] bytes) {
        return bytes == null || bytes.length <= MAX_PAYLOAD_BYTES ? bytes : Arrays.copyOf(bytes, MAX_PAYLOAD_BYTES);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
