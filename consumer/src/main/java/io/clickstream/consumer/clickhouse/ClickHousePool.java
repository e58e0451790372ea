package io.clickstream.consumer.clickhouse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;

/** The HikariCP pool of clickhouse-jdbc connections, configured once for every user of it. */
public final class ClickHousePool {
    /** A TCP connection that is not established in this time counts as ClickHouse being down. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

    private ClickHousePool() {}

    /**
     * @param timeout the longest any call may wait for ClickHouse's answer (socket read timeout);
     *                a call that gets no answer in time fails as retriable, and is re-sent with
     *                the same deduplication token
     */
    public static HikariDataSource create(String jdbcUrl, String user, String password, int size, Duration timeout) {
        HikariConfig hikari = new HikariConfig();
        hikari.setPoolName("clickhouse");
        hikari.setJdbcUrl(jdbcUrl);
        hikari.setUsername(user);
        hikari.setPassword(password);
        hikari.setMaximumPoolSize(size);
        // Start even while ClickHouse is down: the ingest loop waits for it with backoff.
        hikari.setInitializationFailTimeout(-1);
        // Fail a borrow after 10 s instead of Hikari's 30 s: the loop retries anyway.
        hikari.setConnectionTimeout(10_000);
        // Batching client-side: ClickHouse must not buffer inserts asynchronously (default on 26.2+).
        hikari.addDataSourceProperty("clickhouse_setting_async_insert", "0");
        // The client must not re-send on its own (its default re-sends an insert after
        // NoHttpResponse, i.e. after a lost answer): the ingest loop decides what is re-sent, and
        // with which deduplication token.
        hikari.addDataSourceProperty("retry", "0");
        // Every call is bounded: connecting, and waiting for each read of the answer.
        hikari.addDataSourceProperty("connection_timeout", Long.toString(CONNECT_TIMEOUT.toMillis()));
        hikari.addDataSourceProperty("socket_timeout", Long.toString(timeout.toMillis()));
        // The server gives up too, a little before the client does, so it does not work on for nobody.
        hikari.addDataSourceProperty(
                "clickhouse_setting_max_execution_time", Long.toString(Math.max(1, timeout.toSeconds() - 1)));
        return new HikariDataSource(hikari);
    }
}
