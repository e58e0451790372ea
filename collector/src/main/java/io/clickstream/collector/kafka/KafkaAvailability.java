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
 * each one waiting out the producer's timeouts: asks the broker for the topic every second
 * ({@value #PROBE_MILLIS} ms, each question bounded by as much). Down after
 * {@value #FAILURES_FOR_DOWN} questions in a row went unanswered (a broker killed, frozen,
 * unreachable); up again at the first answer, or the first acknowledgement of an event.
 * Up at start: the collector starts only once Kafka answered.
 */
final class KafkaAvailability implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAvailability.class);
    static final int PROBE_MILLIS = 1_000;
    static final int FAILURES_FOR_DOWN = 2;

    private final String bootstrapServers;
    private final String topic;
    private final ScheduledExecutorService probe = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "collector-kafka-probe");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean up = true;
    private int failures;
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
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, PROBE_MILLIS / 2));
        probe.scheduleWithFixedDelay(this::ask, PROBE_MILLIS, PROBE_MILLIS, TimeUnit.MILLISECONDS);
    }

    boolean up() {
        return up;
    }

    /** An event was acknowledged: Kafka answers. */
    void acknowledged() {
        if (!up) {
            up = true;
            LOG.info("Kafka acknowledges events again: accepting requests");
        }
    }

    private void ask() {
        try {
            admin.describeTopics(List.of(topic)).allTopicNames().get(PROBE_MILLIS, TimeUnit.MILLISECONDS);
            failures = 0;
            if (!up) {
                up = true;
                LOG.info("Kafka answers again: accepting requests");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failures++;
            if (up && failures >= FAILURES_FOR_DOWN) {
                up = false;
                LOG.warn(
                        "Kafka does not answer ({} questions in a row, last: {}): answering 503 at once until it does",
                        failures,
                        e.toString());
            }
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
