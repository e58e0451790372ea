package io.clickstream.consumer.clickhouse;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/** The HikariCP pool of clickhouse-jdbc connections, configured once for every user of it. */
public final class ClickHousePool {
    private ClickHousePool() {
    }

    public static HikariDataSource create(String jdbcUrl, String user, String password, int size) {
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
        return new HikariDataSource(hikari);
    }
}
