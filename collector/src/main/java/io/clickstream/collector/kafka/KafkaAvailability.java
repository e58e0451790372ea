package io.clickstream.collector.kafka;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether Kafka answers, so that requests are answered 503 at once while it does not, instead of
 * each one waiting out the producer's timeouts. Kafka is down when it has not answered for
 * {@value #DOWN_AFTER_MILLIS} ms: it is asked for the topic every {@value #PROBE_MILLIS} ms (each
 * question bounded by as much), and every acknowledged event counts as an answer too. Up again
 * at the first answer. Decided on each call from the time of the last answer, so a request
 * learns of an outage {@value #DOWN_AFTER_MILLIS} ms after Kafka's last word, however the probe's
 * questions are timed. Up at start: the collector starts only once Kafka answered.
 */
final class KafkaAvailability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAvailability.class);
    static final int PROBE_MILLIS = 500;
    static final int DOWN_AFTER_MILLIS = 2_000;

    private final String bootstrapServers;
    private final String topic;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "collector-kafka-probe");
        thread.setDaemon(true);
        return thread;
    });
    private volatile long lastAnswer = System.nanoTime();
    private boolean reportedDown; // probe thread only: the log says each change once
    private Admin admin;

    KafkaAvailability(String bootstrapServers, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
    }

    void start() {
        admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.CLIENT_ID_CONFIG, "clickstream-collector-probe",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, PROBE_MILLIS,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, PROBE_MILLIS,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, PROBE_MILLIS));
        lastAnswer = System.nanoTime();
        probe.scheduleWithFixedDelay(this::ask, PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
    }

    boolean up() {
        return System.nanoTime() - lastAnswer < TimeUnit.MILLISECONDS.toNanos(DOWN_AFTER_MILLIS);
    }

    /** An event was acknowledged: Kafka answers. */
    void acknowledged() {
        lastAnswer = System.nanoTime();
    }

    private void ask() {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(PROBE_MILLIS, TimeUnit.MILLISECONDS);
            lastAnswer = System.nanoTime();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            if (!reportedDown && !up()) {
                reportedDown = true;
                LOG.warn(
                        "Kafka has not answered for {} ms (last question: {}): answering 503 at once until it does",
                        DOWN_AFTER_MILLIS,
                        e.toString());
            }
            return;
        }
        if (reportedDown) {
            reportedDown = false;
            LOG.info("Kafka answers again: accepting requests");
        }
    }

    @Override
    public void close() {
        probe.shutdownNow();
        if (admin != null) {
            admin.close(java.time.Duration.ofSeconds(1));
        }
    }
}
