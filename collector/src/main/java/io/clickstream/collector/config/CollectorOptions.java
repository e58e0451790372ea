package io.clickstream.collector.config;

import static io.clickstream.collector.config.CollectorSettings.*;

import io.clickstream.collector.http.Cors;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.time.Duration;

/** The collector's validated configuration, built once in {@code main}. */
public record CollectorOptions(
        String bootstrapServers,
        String topic,
        int partitions,
        short replicationFactor,
        String host,
        int port,
        Cors cors,
        int maxBodyBytes,
        int maxEventsPerRequest,
        Duration kafkaTimeout,
        int threads,
        Duration shutdownTimeout,
        Duration progressInterval) {

    public static CollectorOptions from(Settings s) throws ConfigException {
        Cors cors;
        try {
            cors = Cors.parse(s.required(ALLOWED_ORIGINS));
        } catch (IllegalArgumentException e) {
            throw Settings.invalid(ALLOWED_ORIGINS, s.string(ALLOWED_ORIGINS), e.getMessage());
        }
        Duration kafkaTimeout = s.duration(KAFKA_TIMEOUT);
        if (kafkaTimeout.toMillis() < 1_000 || kafkaTimeout.toMinutes() > 10) {
            throw Settings.invalid(KAFKA_TIMEOUT, s.string(KAFKA_TIMEOUT), "must be between 1s and 10m");
        }
        return new CollectorOptions(
                s.required(BOOTSTRAP),
                s.required(TOPIC),
                s.integer(PARTITIONS, 1, 10_000),
                (short) s.integer(REPLICATION, 1, 32),
                s.required(HOST),
                s.integer(PORT, 0, 65_535),
                cors,
                s.integer(MAX_BODY, 1_024, 64 * 1024 * 1024),
                s.integer(MAX_EVENTS, 1, 100_000),
                kafkaTimeout,
                s.integer(THREADS, 1, 10_000),
                s.duration(SHUTDOWN_TIMEOUT),
                s.duration(PROGRESS));
    }
}
