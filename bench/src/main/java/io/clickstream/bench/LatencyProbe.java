package io.clickstream.bench;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.testsupport.ClickHouseService;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The direct event-to-queryable measurement: sends one probe event at a time and polls
 * ClickHouse every {@value #POLL_MILLIS} ms until a SELECT sees it. The poll uses the table's
 * primary key (event type and time), so it stays cheap on a large table. The first probe is a
 * warm-up (its send includes the probe producer's first metadata fetch) and is not counted.
 * Probes are spaced by random pauses so they sample every phase of the consumer's batch window.
 */
final class LatencyProbe implements Runnable {
    static final String PROBE_USER = "probe_user";
    private static final long POLL_MILLIS = 25;
    private static final long GIVE_UP_MILLIS = 120_000;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final ClickHouseService clickHouse;
    private final String table;
    private final EventCodec codec = new EventCodec();
    private final List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean running = true;
    private volatile int sent;

    LatencyProbe(String bootstrap, String topic, ClickHouseService clickHouse, String table) {
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        this.producer = new KafkaProducer<>(config, new StringSerializer(), new ByteArraySerializer());
        this.topic = topic;
        this.clickHouse = clickHouse;
        this.table = table;
    }

    @Override
    public void run() {
        try {
            while (running) {
                UUID id = UUID.randomUUID();
                Instant sentAt = Instant.now();
                producer.send(new ProducerRecord<>(
                                topic,
                                PROBE_USER,
                                codec.encode(ClickEvent.of(
                                        id, EventType.PAGE_VIEW, PROBE_USER, "prod_probe", BigDecimal.ZERO, sentAt))))
                        .get();
                sent++;
                String sql = "SELECT count() FROM " + table + " WHERE event_type = 'page_view' AND timestamp >= "
                        + "fromUnixTimestamp64Milli(" + sentAt.toEpochMilli() + ") AND event_id = toUUID('" + id + "')";
                long deadline = System.nanoTime() + GIVE_UP_MILLIS * 1_000_000;
                while (System.nanoTime() < deadline) {
                    if (clickHouse.queryLong(sql) == 1) {
                        if (sent > 1) { // the first probe also pays the probe producer's metadata fetch: warm-up
                            latencies.add(Instant.now().toEpochMilli() - sentAt.toEpochMilli());
                        }
                        break;
                    }
                    Thread.sleep(POLL_MILLIS);
                }
                // A random pause: probes sent right after the previous one became visible would all
                // land at the start of a batch window and measure its full length, a biased sample.
                Thread.sleep(ThreadLocalRandom.current().nextLong(100, 5_100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            System.err.println("latency probe stopped: " + e);
        } finally {
            producer.close();
        }
    }

    void stop() {
        running = false;
    }

    int sent() {
        return sent;
    }

    List<Long> latencies() {
        return new ArrayList<>(latencies);
    }
}
