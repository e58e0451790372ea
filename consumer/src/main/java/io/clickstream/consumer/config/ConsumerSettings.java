package io.clickstream.consumer.config;

import io.clickstream.model.Names;
import io.clickstream.service.Setting;
import java.util.List;

/** Every consumer setting: flag, environment variable, default, description. */
public final class ConsumerSettings {
    public static final Setting BOOTSTRAP =
            Setting.of("--bootstrap-servers", "KAFKA_BOOTSTRAP_SERVERS", "localhost:9092", "Kafka bootstrap servers");
    public static final Setting TOPIC = Setting.of("--topic", "KAFKA_TOPIC", Names.EVENTS_TOPIC, "topic to consume");
    public static final Setting PARTITIONS = Setting.of(
            "--partitions",
            "KAFKA_TOPIC_PARTITIONS",
            "3",
            "partitions of the topic if the consumer has to create it (the producer uses the same variable)");
    public static final Setting REPLICATION = io.clickstream.service.kafka.PublisherSettings.REPLICATION;
    public static final Setting GROUP = Setting.of(
            "--group-id",
            "CONSUMER_GROUP_ID",
            "clickstream-clickhouse",
            "consumer group; run more consumers with the same id to share the partitions");
    public static final Setting INSTANCE_ID = Setting.of(
            "--instance-id",
            "CONSUMER_INSTANCE_ID",
            null,
            "static group membership id, or auto for the host name: a restarted consumer gets its partitions back"
                    + " at once instead of after the session timeout (default: dynamic membership)");
    public static final Setting DLQ_TOPIC = Setting.of(
            "--dlq-topic",
            "DLQ_TOPIC",
            Names.DEAD_LETTER_TOPIC,
            "dead-letter topic for records that are not valid events");
    public static final Setting JDBC_URL = Setting.of(
            "--clickhouse-url",
            "CLICKHOUSE_JDBC_URL",
            "jdbc:clickhouse://localhost:8123/" + Names.DATABASE,
            "ClickHouse JDBC URL; its path names the database");
    public static final Setting USER = Setting.of("--clickhouse-user", "CLICKHOUSE_USER", "default", "ClickHouse user");
    public static final Setting PASSWORD =
            Setting.secret("--clickhouse-password", "CLICKHOUSE_PASSWORD", "ClickHouse password (default: empty)");
    public static final Setting CLICKHOUSE_TIMEOUT = Setting.of(
            "--clickhouse-timeout",
            "CLICKHOUSE_TIMEOUT",
            "30s",
            "longest wait for any ClickHouse answer; an insert without an answer in time is re-sent with the same"
                    + " deduplication token");
    public static final Setting POOL_SIZE =
            Setting.of("--pool-size", "CLICKHOUSE_POOL_SIZE", "2", "JDBC connections in the HikariCP pool");
    public static final Setting BATCH_ROWS = Setting.of(
            "--batch-max-rows", "BATCH_MAX_ROWS", "1000", "flush a partition's block when it holds this many rows");
    public static final Setting BATCH_WAIT = Setting.of(
            "--batch-max-wait",
            "BATCH_MAX_WAIT",
            "5s",
            "flush a partition's block when its first record has waited this long");
    public static final Setting CATCH_UP_ROWS = Setting.of(
            "--catch-up-max-rows",
            "BATCH_CATCH_UP_MAX_ROWS",
            "50000",
            "while 10 or more batches behind, blocks may grow to this many rows (fewer, larger inserts drain a"
                    + " backlog faster); back to --batch-max-rows once caught up. --batch-max-rows or less disables it");
    public static final Setting SCHEMA = Setting.of(
            "--schema",
            "CLICKHOUSE_SCHEMA",
            "apply",
            "apply: create what is missing from clickhouse/init, then check; check: only check");
    public static final Setting SCHEMA_LAYOUT = Setting.of(
            "--schema-layout",
            "CLICKHOUSE_SCHEMA_LAYOUT",
            "single",
            "single: MergeTree tables on one server; replicated: Replicated* tables on the replica the URL names"
                    + " (macros {shard} and {replica} defined in its configuration), for --schema apply");
    public static final Setting INSERT_QUORUM = Setting.of(
            "--insert-quorum",
            "CLICKHOUSE_INSERT_QUORUM",
            "0",
            "on a replicated events table, commit offsets only once this many replicas hold the insert (2..9, or"
                    + " auto for a majority); 0: once the replica written to holds it");
    public static final Setting RAW_RETENTION = Setting.of(
            "--raw-retention-days",
            "RAW_RETENTION_DAYS",
            "30",
            "days raw events are kept, when --schema apply creates the table");
    public static final Setting ROLLUP_RETENTION = Setting.of(
            "--rollup-retention-days",
            "ROLLUP_RETENTION_DAYS",
            "36500",
            "days after the event the rollups and sessions are kept (36500: in effect forever, so replayed"
                    + " history is kept); --schema apply sets it on every start");
    public static final Setting MAX_BACKOFF = Setting.of(
            "--max-retry-backoff",
            "CONSUMER_MAX_RETRY_BACKOFF",
            "30s",
            "longest wait between retries while ClickHouse is unavailable");
    public static final Setting SHUTDOWN_TIMEOUT = Setting.of(
            "--shutdown-timeout",
            "CONSUMER_SHUTDOWN_TIMEOUT",
            "30s",
            "on SIGTERM, how long the final flush may try before giving up (uncommitted records are re-read on restart)");
    public static final Setting HTTP_PORT =
            Setting.of("--http-port", "CONSUMER_HTTP_PORT", "8080", "port of /health and /metrics; -1 disables");
    public static final Setting LAG_INTERVAL =
            Setting.of("--lag-interval", "CONSUMER_LAG_INTERVAL", "10s", "how often to log consumer lag");

    public static final List<Setting> ALL = List.of(
            BOOTSTRAP,
            TOPIC,
            PARTITIONS,
            REPLICATION,
            GROUP,
            INSTANCE_ID,
            DLQ_TOPIC,
            JDBC_URL,
            USER,
            PASSWORD,
            CLICKHOUSE_TIMEOUT,
            POOL_SIZE,
            BATCH_ROWS,
            BATCH_WAIT,
            CATCH_UP_ROWS,
            SCHEMA,
            SCHEMA_LAYOUT,
            INSERT_QUORUM,
            RAW_RETENTION,
            ROLLUP_RETENTION,
            MAX_BACKOFF,
            SHUTDOWN_TIMEOUT,
            HTTP_PORT,
            LAG_INTERVAL);

    private ConsumerSettings() {}
}
