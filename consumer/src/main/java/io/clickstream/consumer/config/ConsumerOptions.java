package io.clickstream.consumer.config;

import static io.clickstream.consumer.config.ConsumerSettings.*;

import io.clickstream.consumer.clickhouse.SchemaLayout;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** The consumer's validated configuration, built once in {@code main}. The password never appears in {@link #toString()}. */
public record ConsumerOptions(
        String bootstrapServers,
        String topic,
        int partitions,
        short replicationFactor,
        String groupId,
        String instanceId,
        String deadLetterTopic,
        String jdbcUrl,
        String database,
        String user,
        String password,
        Duration clickHouseTimeout,
        int poolSize,
        int batchMaxRows,
        Duration batchMaxWait,
        int catchUpMaxRows,
        boolean applySchema,
        SchemaLayout schemaLayout,
        String insertQuorum,
        int rawRetentionDays,
        int rollupRetentionDays,
        Duration maxRetryBackoff,
        Duration shutdownTimeout,
        int httpPort,
        Duration lagInterval) {

    private static final Pattern DATABASE = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    public static ConsumerOptions from(Settings s) throws ConfigException {
        String url = s.required(JDBC_URL);
        String database = databaseOf(url);
        String topic = s.required(TOPIC);
        String dlq = s.required(DLQ_TOPIC);
        if (dlq.equals(topic)) {
            throw Settings.invalid(DLQ_TOPIC, dlq, "must differ from --topic: dead letters would be consumed again");
        }
        Duration wait = s.duration(BATCH_WAIT);
        if (wait.toMillis() < 10) {
            throw Settings.invalid(BATCH_WAIT, s.string(BATCH_WAIT), "must be at least 10ms");
        }
        Duration backoff = s.duration(MAX_BACKOFF);
        if (backoff.toMillis() < 100) {
            throw Settings.invalid(MAX_BACKOFF, s.string(MAX_BACKOFF), "must be at least 100ms");
        }
        Duration timeout = s.duration(CLICKHOUSE_TIMEOUT);
        if (timeout.toMillis() < 1_000) {
            throw Settings.invalid(CLICKHOUSE_TIMEOUT, s.string(CLICKHOUSE_TIMEOUT), "must be at least 1s");
        }
        String instanceId = s.string(INSTANCE_ID);
        if ("auto".equalsIgnoreCase(instanceId)) {
            instanceId = hostName(); // a container's host name: stable across its restarts, distinct per replica
        }
        return new ConsumerOptions(
                s.required(BOOTSTRAP),
                topic,
                s.integer(PARTITIONS, 1, 10_000),
                (short) s.integer(REPLICATION, 1, 32),
                s.required(GROUP),
                instanceId == null || instanceId.isBlank() ? null : instanceId,
                dlq,
                url,
                database,
                s.required(USER),
                s.string(PASSWORD) == null ? "" : s.string(PASSWORD),
                timeout,
                s.integer(POOL_SIZE, 1, 64),
                s.integer(BATCH_ROWS, 1, 1_000_000),
                wait,
                // The memory bound: at most this many decoded rows are buffered (about 0.6 KB each).
                s.integer(CATCH_UP_ROWS, 0, 1_000_000),
                s.choice(SCHEMA, List.of("apply", "check")).equals("apply"),
                SchemaLayout.of(s.choice(SCHEMA_LAYOUT, List.of("single", "replicated"))),
                insertQuorum(s),
                s.integer(RAW_RETENTION, 1, 36_500),
                s.integer(ROLLUP_RETENTION, 1, 36_500),
                backoff,
                s.duration(SHUTDOWN_TIMEOUT),
                s.integer(HTTP_PORT, -1, 65_535),
                s.duration(LAG_INTERVAL));
    }

    private static String insertQuorum(Settings s) throws ConfigException {
        String quorum = s.string(INSERT_QUORUM).strip().toLowerCase(Locale.ROOT);
        if (quorum.equals("auto") || quorum.equals("0") || quorum.matches("[2-9]")) {
            return quorum;
        }
        throw Settings.invalid(INSERT_QUORUM, s.string(INSERT_QUORUM), "must be 0 (off), 2..9 or auto");
    }

    private static String hostName() throws ConfigException {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            throw new ConfigException(
                    "--instance-id auto: cannot determine the host name (" + e.getMessage() + "); set an explicit id");
        }
    }

    /** A command's {@code --clickhouse-timeout}: at least a second. */
    public static Duration commandTimeout(Settings s) throws ConfigException {
        Duration timeout = s.duration(ConsumerSettings.CLICKHOUSE_TIMEOUT);
        if (timeout.toMillis() < 1_000) {
            throw Settings.invalid(
                    ConsumerSettings.CLICKHOUSE_TIMEOUT,
                    s.string(ConsumerSettings.CLICKHOUSE_TIMEOUT),
                    "must be at least 1s");
        }
        return timeout;
    }

    /** The database named by the URL's path: {@code jdbc:clickhouse://host:8123/clickstream?...} → clickstream. */
    public static String databaseOf(String url) throws ConfigException {
        if (!url.startsWith("jdbc:clickhouse:") && !url.startsWith("jdbc:ch:")) {
            throw Settings.invalid(
                    JDBC_URL, url, "is not a ClickHouse JDBC URL (jdbc:clickhouse://host:8123/database)");
        }
        String rest = url.substring(url.indexOf(':', 5) + 1);
        URI uri;
        try {
            uri = URI.create(rest.startsWith("//") ? "http:" + rest : rest);
        } catch (IllegalArgumentException e) {
            throw Settings.invalid(JDBC_URL, url, "is malformed: " + e.getMessage());
        }
        if (uri.getHost() == null) {
            throw Settings.invalid(JDBC_URL, url, "has no host");
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        if (path.isEmpty()) {
            throw Settings.invalid(JDBC_URL, url, "names no database (…:8123/clickstream)");
        }
        if (!DATABASE.matcher(path).matches()) {
            throw Settings.invalid(JDBC_URL, url, "database '" + path + "' is not a plain identifier");
        }
        return path;
    }

    /** Values of the schema files' {{placeholders}}. */
    public Map<String, String> schemaVariables() {
        return Map.of(
                "RAW_RETENTION_DAYS",
                Integer.toString(rawRetentionDays),
                "ROLLUP_RETENTION_DAYS",
                Integer.toString(rollupRetentionDays));
    }

    /** The same URL naming another database, e.g. {@code default} to create ours. */
    public String jdbcUrlOf(String otherDatabase) {
        int start = jdbcUrl.indexOf("//") + 2;
        int slash = jdbcUrl.indexOf('/', start);
        int end = jdbcUrl.indexOf('?', slash);
        return jdbcUrl.substring(0, slash + 1) + otherDatabase + (end < 0 ? "" : jdbcUrl.substring(end));
    }

    @Override
    public String toString() {
        return "ConsumerOptions[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", groupId=" + groupId
                + ", instanceId=" + instanceId
                + ", deadLetterTopic=" + deadLetterTopic + ", jdbcUrl=" + jdbcUrl + ", user=" + user
                + ", password=" + (password.isEmpty() ? "(empty)" : "****") + ", clickHouseTimeout=" + clickHouseTimeout
                + ", poolSize=" + poolSize + ", schemaLayout=" + schemaLayout + ", insertQuorum=" + insertQuorum
                + ", batchMaxRows=" + batchMaxRows + ", batchMaxWait=" + batchMaxWait + ", catchUpMaxRows="
                + catchUpMaxRows
                + "]";
    }
}
