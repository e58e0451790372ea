package io.clickstream.collector.kafka;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a request's events and waits until Kafka acknowledged every one of them
 * ({@code acks=all}, idempotent producer), keyed by {@code user_id} like the producer's, so a
 * user's events stay in order on one partition. Thread-safe: request threads share one producer,
 * whose batching ({@code linger.ms}) groups concurrent requests into few Kafka requests.
 */
public final class EventPublisher implements AutoCloseable {
    /** Kafka did not acknowledge every event within the timeout; the request must be retried. */
    public static final class NotAcknowledgedException extends Exception {
        NotAcknowledgedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final Duration timeout;
    private final EventCodec codec = new EventCodec();

    public EventPublisher(String bootstrapServers, String topic, Duration timeout) {
        this.producer = new KafkaProducer<>(
                config(bootstrapServers, timeout), new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.timeout = timeout;
    }

    static Properties config(String bootstrapServers, Duration timeout) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "clickstream-collector");
        // An event is acknowledged to the page only once every in-sync replica has it.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // Up to 2 ms of batching: requests arriving together share Kafka requests.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 2);
        // Every wait is bounded by the request's budget: metadata (Kafka down) and delivery with retries.
        int millis = (int) timeout.toMillis();
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, millis / 2));
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Math.max(millis, Math.max(500, millis / 2) + 2));
        return config;
    }

    /**
     * Sends the events and waits for Kafka's acknowledgement of all of them.
     *
     * @throws NotAcknowledgedException if any was not acknowledged in time (some may have been:
     *     the page re-sends the request, see the README's "Limits")
     */
    public void publish(List<ClickEvent> events) throws NotAcknowledgedException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos() + TimeUnit.SECONDS.toNanos(1);
        List<Future<RecordMetadata>> results = new ArrayList<>(events.size());
        try {
            for (ClickEvent event : events) {
                results.add(producer.send(new ProducerRecord<>(topic, event.userId(), codec.encode(event))));
            }
        } catch (KafkaException e) {
            throw new NotAcknowledgedException("Kafka did not take the events: " + e.getMessage(), e);
        }
        for (Future<RecordMetadata> result : results) {
            try {
                result.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw new NotAcknowledgedException("Kafka did not acknowledge: " + e.getCause(), e.getCause());
            } catch (TimeoutException e) {
                throw new NotAcknowledgedException("Kafka did not acknowledge within " + timeout.toMillis() + " ms", e);
            }
        }
    }

    /** Sends whatever is still buffered and waits for it (at shutdown, after the last request). */
    @Override
    public void close() {
        producer.close(timeout);
    }
}
