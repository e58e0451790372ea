package io.clickstream.collector.config;

import static io.clickstream.collector.config.CollectorSettings.*;

import io.clickstream.collector.http.Cors;
import io.clickstream.collector.traffic.ClientAddresses;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The collector's validated configuration, built once in {@code main}. {@code geoipDatabase}:
 * null when none is configured (no country).
 */
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
        int maxConnections,
        Duration requestTimeout,
        Duration idleTimeout,
        long maxPendingBytes,
        Duration shutdownTimeout,
        Path geoipDatabase,
        ClientAddresses trustedProxies,
        Duration progressInterval) {

    private static Duration positive(Settings s, io.clickstream.service.Setting setting) throws ConfigException {
        Duration value = s.duration(setting);
        if (value.toMillis() < 100) {
            throw Settings.invalid(setting, s.string(setting), "must be at least 100ms");
        }
        return value;
    }

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
        String geoip = s.string(GEOIP_DATABASE);
        ClientAddresses trusted;
        try {
            trusted = ClientAddresses.trusting(s.string(TRUSTED_PROXIES));
        } catch (IllegalArgumentException e) {
            throw Settings.invalid(TRUSTED_PROXIES, s.string(TRUSTED_PROXIES), e.getMessage());
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
                s.integer(MAX_CONNECTIONS, 1, 1_000_000),
                positive(s, REQUEST_TIMEOUT),
                positive(s, IDLE_TIMEOUT),
                s.integer(MAX_PENDING_BYTES, 1_048_576, Integer.MAX_VALUE),
                s.duration(SHUTDOWN_TIMEOUT),
                geoip == null || geoip.isBlank() ? null : s.readableFile(GEOIP_DATABASE),
                trusted,
                s.duration(PROGRESS));
    }
}
