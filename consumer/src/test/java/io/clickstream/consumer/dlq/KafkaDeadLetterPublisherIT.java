package io.clickstream.consumer.dlq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Dead letters as they land in a real topic: payload, headers, truncation, and what flush promises. */
@ExtendWith(RealServices.class)
class KafkaDeadLetterPublisherIT {
    private static final UUID TOPIC_ID = UUID.fromString("6b3a1a8e-0c1f-4f6e-9a57-3c2d1e0f9a11");

    private static List<ConsumerRecord<byte[], byte[]>> read(KafkaService kafka, String topic, int expected) {
        Properties config = new Properties();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = List.of(new TopicPartition(topic, 0));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (records.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    @Test
    void lettersKeepThePayloadAndCarryTheReasonAndSourceCoordinates(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("dlq", 1);
        byte[] huge = new byte[1_500_000];
        Arrays.fill(huge, (byte) 'x');
        try (KafkaDeadLetterPublisher publisher = new KafkaDeadLetterPublisher(kafka.bootstrapServers(), topic)) {
            publisher.publish(new DeadLetter(
                    "events",
                    TOPIC_ID,
                    2,
                    41,
                    1_700_000_000_000L,
                    "user_1".getBytes(StandardCharsets.UTF_8),
                    "{not json".getBytes(StandardCharsets.UTF_8),
                    "malformed",
                    "malformed JSON at 1:2"));
            publisher.publish(new DeadLetter("events", TOPIC_ID, 0, 7, -1, null, huge, "malformed", "r".repeat(5_000)));
            publisher.flush();
            assertEquals(2, publisher.published());
        }
        List<ConsumerRecord<byte[], byte[]>> letters = read(kafka, topic, 2);
        assertEquals(2, letters.size());
        ConsumerRecord<byte[], byte[]> first = letters.get(0);
        assertArrayEquals("{not json".getBytes(StandardCharsets.UTF_8), first.value(), "the original payload");
        assertArrayEquals("user_1".getBytes(StandardCharsets.UTF_8), first.key());
        assertEquals("malformed JSON at 1:2", header(first, DeadLetterPublisher.REASON));
        assertEquals("events", header(first, DeadLetterPublisher.SOURCE_TOPIC));
        assertEquals(TOPIC_ID.toString(), header(first, DeadLetterPublisher.SOURCE_TOPIC_ID));
        assertEquals("malformed", header(first, DeadLetterPublisher.REASON_CLASS));
        assertEquals("2", header(first, DeadLetterPublisher.SOURCE_PARTITION));
        assertEquals("41", header(first, DeadLetterPublisher.SOURCE_OFFSET));
        assertEquals("1700000000000", header(first, DeadLetterPublisher.SOURCE_TIMESTAMP));
        assertTrue(header(first, DeadLetterPublisher.FAILED_AT).matches("\\d{4}-\\d\\d-\\d\\dT.*Z"));
        assertNull(header(first, DeadLetterPublisher.TRUNCATED));

        ConsumerRecord<byte[], byte[]> second = letters.get(1);
        assertEquals(KafkaDeadLetterPublisher.MAX_PAYLOAD_BYTES, second.value().length, "cut to fit the topic");
        assertEquals("value=1500000", header(second, DeadLetterPublisher.TRUNCATED));
        assertEquals(
                2_003, header(second, DeadLetterPublisher.REASON).length(), "reason cut to 2,000 characters and ...");
    }

    @Test
    void flushReportsLettersTheTopicDidNotTakeAndKeepsThemForTheNextFlush(KafkaService kafka) throws Exception {
        String missing = KafkaService.uniqueName("no-such-dlq"); // auto-creation is off: sends fail
        try (KafkaDeadLetterPublisher publisher =
                new KafkaDeadLetterPublisher(kafka.bootstrapServers(), missing, Duration.ofSeconds(3))) {
            publisher.publish(new DeadLetter("events", TOPIC_ID, 0, 1, -1, null, new byte[] {1}, "malformed", "bad"));
            DeadLetterPublisher.DeadLetterException e =
                    assertThrows(DeadLetterPublisher.DeadLetterException.class, publisher::flush);
            assertTrue(e.getMessage().startsWith("1 dead letters not acknowledged by " + missing), e.getMessage());
            assertEquals(0, publisher.published());
            kafka.createTopicNamed(missing, 1);
            // The letter was kept and is sent again by the next flush, as the ingest loop retries it.
            for (int attempt = 1; publisher.published() == 0; attempt++) {
                try {
                    publisher.flush();
                } catch (DeadLetterPublisher.DeadLetterException notYet) {
                    assertTrue(
                            attempt < 5,
                            "still not acknowledged after " + attempt + " flushes: " + notYet.getMessage());
                }
            }
            assertEquals(1, publisher.published());
        }
        assertEquals(1, read(kafka, missing, 1).size());
    }
}
