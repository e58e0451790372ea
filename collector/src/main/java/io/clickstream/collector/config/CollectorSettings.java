package io.clickstream.collector.config;

import io.clickstream.service.Setting;
import io.clickstream.service.kafka.PublisherSettings;
import java.util.List;

/** Every collector setting: flag, environment variable, default, description. */
public final class CollectorSettings {
    public static final Setting BOOTSTRAP = PublisherSettings.BOOTSTRAP;
    public static final Setting TOPIC = PublisherSettings.TOPIC;
    public static final Setting PARTITIONS = PublisherSettings.PARTITIONS;
    public static final Setting REPLICATION = PublisherSettings.REPLICATION;
    public static final Setting HOST =
            Setting.of("--host", "COLLECTOR_HOST", "0.0.0.0", "address the HTTP server binds to");
    public static final Setting PORT = Setting.of("--port", "COLLECTOR_PORT", "8088", "HTTP port");
    public static final Setting ALLOWED_ORIGINS = Setting.of(
            "--allowed-origins",
            "COLLECTOR_ALLOWED_ORIGINS",
            "http://localhost:8088,http://127.0.0.1:8088",
            "comma-separated origins whose pages may send events (CORS), or * for any");
    public static final Setting MAX_BODY = Setting.of(
            "--max-body-bytes", "COLLECTOR_MAX_BODY_BYTES", "1048576", "largest request body accepted (413 above)");
    public static final Setting MAX_EVENTS = Setting.of(
            "--max-events-per-request",
            "COLLECTOR_MAX_EVENTS_PER_REQUEST",
            "500",
            "most events in one request (413 above)");
    public static final Setting KAFKA_TIMEOUT = Setting.of(
            "--kafka-timeout",
            "COLLECTOR_KAFKA_TIMEOUT",
            "10s",
            "how long a request waits for Kafka's acknowledgement before it is answered 503");
    public static final Setting MAX_CONNECTIONS = Setting.of(
            "--max-connections",
            "COLLECTOR_MAX_CONNECTIONS",
            "20000",
            "connections open at once (one more is answered 503); each costs memory, not a thread");
    public static final Setting REQUEST_TIMEOUT = Setting.of(
            "--request-timeout",
            "COLLECTOR_REQUEST_TIMEOUT",
            "10s",
            "a request must arrive whole (headers and body) within this of its first byte (408 after)");
    public static final Setting IDLE_TIMEOUT = Setting.of(
            "--idle-timeout",
            "COLLECTOR_IDLE_TIMEOUT",
            "60s",
            "a kept-alive connection with no request for this long is closed");
    public static final Setting MAX_PENDING_BYTES = Setting.of(
            "--max-pending-bytes",
            "COLLECTOR_MAX_PENDING_BYTES",
            "134217728",
            "bytes of requests still arriving, over all connections (503 above): the memory slow clients may hold");
    public static final Setting SHUTDOWN_TIMEOUT = Setting.of(
            "--shutdown-timeout",
            "COLLECTOR_SHUTDOWN_TIMEOUT",
            "30s",
            "on SIGTERM: how long requests in flight may take to finish");
    public static final Setting GEOIP_DATABASE = Setting.of(
            "--geoip-database",
            "COLLECTOR_GEOIP_DATABASE",
            "",
            "IP-to-country database (MMDB) for each event's country; none: no country."
                    + " Read again when the file changes (scripts/fetch-geoip.sh fetches one)");
    public static final Setting TRUSTED_PROXIES = Setting.of(
            "--trusted-proxies",
            "COLLECTOR_TRUSTED_PROXIES",
            "",
            "comma-separated addresses and CIDR ranges of proxies whose X-Forwarded-For names the client"
                    + " (for its country); none: the connection's peer is the client");
    public static final Setting PROGRESS = Setting.of(
            "--progress-interval", "COLLECTOR_PROGRESS_INTERVAL", "30s", "how often to print a progress line");

    public static final List<Setting> ALL = List.of(
            BOOTSTRAP,
            TOPIC,
            PARTITIONS,
            REPLICATION,
            HOST,
            PORT,
            ALLOWED_ORIGINS,
            MAX_BODY,
            MAX_EVENTS,
            KAFKA_TIMEOUT,
            MAX_CONNECTIONS,
            REQUEST_TIMEOUT,
            IDLE_TIMEOUT,
            MAX_PENDING_BYTES,
            SHUTDOWN_TIMEOUT,
            GEOIP_DATABASE,
            TRUSTED_PROXIES,
            PROGRESS);

    private CollectorSettings() {}
}
