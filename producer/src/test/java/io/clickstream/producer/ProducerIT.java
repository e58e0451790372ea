package io.clickstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.TopicContents;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The producer against a real broker: exact counts, keys, partitioning and order. */
@ExtendWith(RealServices.class)
class ProducerIT {
    private final EventCodec codec = new EventCodec();

    @Test
    void simulatorDeliversExactCountKeyedAndOrderedPerUser(KafkaService kafka) throws Exception {
        String topic = KafkaService.uniqueName("sim");
        int exit = ProducerMain.run(
                new String[] {
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--topic",
                    topic,
                    "--count",
                    "5000",
                    "--rate",
                    "0",
                    "--seed",
                    "7",
                    "--progress-interval",
                    "1s"
                },
                Map.of());
        assertEquals(ProducerMain.EXIT_OK, exit);

        try (Admin admin = kafka.admin()) {
            assertEquals(
                    3,
                    admin.describeTopics(List.of(topic))
                            .allTopicNames()
                            .get()
                            .get(topic)
                            .partitions()
                            .size(),
                    "the producer created the topic with the default 3 partitions");
        }
        List<ConsumerRecord<String, byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), topic);
        assertEquals(5000, records.size());
        Map<String, Integer> partitionOfUser = new HashMap<>();
        Map<String, ConsumerRecord<String, byte[]>> lastOfUser = new HashMap<>();
        Set<Integer> partitions = new HashSet<>();
        Set<Object> ids = new HashSet<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            ClickEvent event = codec.decode(record.value());
            ids.add(event.eventId());
            assertEquals(event.userId(), record.key(), "keyed by user_id");
            assertEquals(
                    partitionOfUser.computeIfAbsent(event.userId(), u -> record.partition()),
                    record.partition(),
                    "all of a user's events on one partition");
            partitions.add(record.partition());
            ConsumerRecord<String, byte[]> previous = lastOfUser.put(event.userId(), record);
            if (previous != null && previous.partition() == record.partition() && previous.offset() < record.offset()) {
                Instant before = codec.decode(previous.value()).timestamp();
                assertTrue(!event.timestamp().isBefore(before), "a user's events are in timestamp order");
            }
        }
        assertEquals(5000, ids.size(), "no duplicates");
        assertEquals(Set.of(0, 1, 2), partitions);
        assertEquals(500, partitionOfUser.size(), "all 500 users active");
    }

    @Test
    void replayPublishesMappedRowsAndSkipsMalformedOnes(KafkaService kafka) throws Exception {
        String topic = KafkaService.uniqueName("replay");
        int exit = ProducerMain.run(
                new String[] {
                    "--bootstrap-servers",
                    kafka.bootstrapServers(),
                    "--topic",
                    topic,
                    "--mode",
                    "replay",
                    "--replay-file",
                    "src/test/resources/replay-sample.csv",
                    "--replay-timestamps",
                    "original",
                    "--rate",
                    "0"
                },
                Map.of());
        assertEquals(ProducerMain.EXIT_OK, exit, "rejected rows are reported, not a failure");

        List<ConsumerRecord<String, byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), topic);
        assertEquals(6, records.size());
        ClickEvent purchase = null;
        for (ConsumerRecord<String, byte[]> record : records) {
            ClickEvent e = codec.decode(record.value());
            if (e.eventType() == EventType.PURCHASE && e.userId().equals("user_535871217")) {
                purchase = e;
                assertEquals("user_535871217", record.key());
            }
        }
        assertEquals("prod_1004237", purchase.productId());
        assertEquals(new BigDecimal("1081.98"), purchase.price());
        assertEquals(Instant.parse("2019-10-01T00:00:02Z"), purchase.timestamp());
        assertEquals("electronics.smartphone", purchase.category());
        assertEquals("c6bd7419-2748-4c56-95b4-8cec9ff8b80d", purchase.sessionId());
    }
}
