package io.clickstream.consumer;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.testsupport.KafkaService;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Produces known events to a topic and remembers what it produced: per-type counts and revenue. */
final class TestEvents implements AutoCloseable {
    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final EventCodec codec = new EventCodec();
    private final Random random;
    final Map<EventType, Long> countByType = new EnumMap<>(EventType.class);
    BigDecimal revenue = BigDecimal.ZERO;
    long produced;
    private final AtomicLong failed = new AtomicLong();
    private volatile Exception firstFailure;

    TestEvents(KafkaService kafka, String topic, long seed) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight: right after topic creation the broker may answer NOT_LEADER_OR_FOLLOWER
        // once; with several batches in flight the idempotent producer then loops on
        // OUT_OF_ORDER_SEQUENCE_NUMBER until its delivery timeout (seen here with Kafka 4.3.1).
        config.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.producer.partitionsFor(topic); // metadata before the first send
        this.topic = topic;
        this.random = new Random(seed);
    }

    /** Kafka's ID of {@code topic}, as the consumer stores it per row. */
    static UUID topicId(KafkaService kafka, String topic) throws Exception {
        try (io.clickstream.consumer.kafka.AdminTopicIds ids =
                new io.clickstream.consumer.kafka.AdminTopicIds(kafka.bootstrapServers())) {
            return ids.of(topic);
        }
    }

    ClickEvent next() {
        EventType[] types = {
            EventType.PAGE_VIEW,
            EventType.PAGE_VIEW,
            EventType.PAGE_VIEW,
            EventType.ADD_TO_CART,
            EventType.REMOVE_FROM_CART,
            EventType.PURCHASE
        };
        EventType type = types[random.nextInt(types.length)];
        return new ClickEvent(
                new UUID(random.nextLong(), random.nextLong()),
                type,
                String.format("user_%04d", random.nextInt(500)),
                "prod_" + random.nextInt(1000),
                BigDecimal.valueOf(random.nextInt(100_000), 2),
                Instant.now(),
                "sess_" + random.nextInt(5000),
                "kids.toys",
                "mobile",
                "Chrome",
                "Android",
                null,
                null,
                null);
    }

    void send(ClickEvent event) {
        producer.send(new ProducerRecord<>(topic, event.userId(), codec.encode(event)), this::acknowledged);
        countByType.merge(event.eventType(), 1L, Long::sum);
        if (event.eventType() == EventType.PURCHASE) {
            revenue = revenue.add(event.price());
        }
        produced++;
    }

    void sendRaw(String key, byte[] value) {
        producer.send(new ProducerRecord<>(topic, key, value), this::acknowledged);
    }

    private void acknowledged(RecordMetadata metadata, Exception error) {
        if (error != null && failed.incrementAndGet() == 1) {
            firstFailure = error;
        }
    }

    void send(int count) {
        for (int i = 0; i < count; i++) {
            send(next());
        }
        flush();
    }

    /**
     * Sends events at about {@code perSecond} on a thread of its own while {@code sending} holds;
     * the future completes when all are acknowledged (read {@link #produced} after {@code join()}),
     * and {@code join()} rethrows a failure. Tests that inject faults keep traffic flowing until every
     * fault they count has happened, however long that takes on a busy machine.
     */
    CompletableFuture<Void> sendPacedInBackground(int perSecond, AtomicBoolean sending) {
        return CompletableFuture.runAsync(
                () -> {
                    long start = System.nanoTime();
                    for (long i = 0; sending.get(); i++) {
                        long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
                        if (wait > 0) {
                            LockSupport.parkNanos(wait);
                        }
                        send(next());
                    }
                    flush();
                },
                task -> new Thread(task, "paced-test-producer").start());
    }

    /** Waits for every send; a send that failed fails the test here, not later as a "lost" row. */
    void flush() {
        producer.flush();
        if (failed.get() > 0) {
            throw new AssertionError(failed.get() + " test events were not acknowledged by Kafka", firstFailure);
        }
    }

    @Override
    public void close() {
        producer.close();
    }
}
