package io.clickstream.collector.kafka;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes a request's events ({@code acks=all}, idempotent producer), keyed by {@code user_id}
 * like the producer's, so a user's events stay in order on one partition, and completes once
 * Kafka acknowledged every one of them. Never blocks its caller: {@code send} can block (waiting
 * for metadata, or for buffer space), so it runs on a sender thread of its own, and the
 * acknowledgements complete the returned future from the producer's I/O thread. Thread-safe:
 * requests share one producer, whose batching ({@code linger.ms}) groups concurrent requests
 * into few Kafka requests.
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
    private final KafkaAvailability availability;
    private final ExecutorService sender;
    private final Duration timeout;
    private final EventCodec codec = new EventCodec();

    public EventPublisher(String bootstrapServers, String topic, Duration timeout) {
        this.producer = new KafkaProducer<>(
                config(bootstrapServers, timeout), new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.timeout = timeout;
        this.availability = new KafkaAvailability(bootstrapServers, topic);
        this.sender = java.util.concurrent.Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "collector-kafka-send");
            thread.setDaemon(true);
            return thread;
        });
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

    /** Starts watching whether Kafka answers ({@link #available()}). */
    public void start() {
        availability.start();
    }

    /** False while Kafka is known not to answer: requests are answered 503 at once instead of waiting. */
    public boolean available() {
        return availability.up();
    }

    /**
     * Sends the events; the future completes once Kafka acknowledged all of them, or fails with
     * {@link NotAcknowledgedException} if any was not acknowledged in time (some may have been:
     * the page re-sends the request, see docs/collector.md, "Limits").
     */
    public CompletableFuture<Void> publish(List<ClickEvent> events) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        try {
            sender.execute(() -> send(events, acknowledged));
        } catch (RejectedExecutionException e) {
            acknowledged.completeExceptionally(new NotAcknowledgedException("the collector is stopping", e));
        }
        return acknowledged;
    }

    private void send(List<ClickEvent> events, CompletableFuture<Void> acknowledged) {
        AtomicInteger pending = new AtomicInteger(events.size());
        try {
            for (ClickEvent event : events) {
                producer.send(new ProducerRecord<>(topic, event.userId(), codec.encode(event)), (metadata, error) -> {
                    if (error != null) {
                        acknowledged.completeExceptionally(
                                new NotAcknowledgedException("Kafka did not acknowledge: " + error, error));
                    } else if (pending.decrementAndGet() == 0) {
                        availability.acknowledged();
                        acknowledged.complete(null);
                    }
                });
            }
        } catch (KafkaException e) {
            acknowledged.completeExceptionally(
                    new NotAcknowledgedException("Kafka did not take the events: " + e.getMessage(), e));
        }
    }

    /** Sends whatever is still buffered and waits for it (at shutdown, after the last request). */
    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        availability.close();
        producer.close(timeout);
    }
}
