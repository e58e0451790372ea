package io.clickstream.consumer.export;

import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.service.Setting;
import java.util.List;

/** Flags and environment variables of {@code export}; the ClickHouse connection settings are the consumer's. */
public final class ExportSettings {
    public static final Setting FROM = Setting.of(
            "--from", "EXPORT_FROM", null, "first UTC day to export, e.g. 2019-10-01 (required unless --every)");
    public static final Setting TO =
            Setting.of("--to", "EXPORT_TO", null, "last UTC day to export, inclusive (default: --from)");
    public static final Setting OUTPUT = Setting.of(
            "--output",
            "EXPORT_OUTPUT",
            null,
            "directory the Parquet files go to, as TABLE/date=YYYY-MM-DD/part-0.parquet (required)");
    public static final Setting EVERY = Setting.of(
            "--every",
            "EXPORT_EVERY",
            null,
            "run on a schedule instead: every this long (e.g. 15m), export the UTC day that holds the last"
                    + " closed hour, until stopped");
    public static final Setting TABLES = Setting.of(
            "--tables",
            "EXPORT_TABLES",
            String.join(",", ParquetExport.TABLES),
            "comma-separated: events (the raw rows) and/or category_day (the daily rollup, its states merged)");

    public static final List<Setting> ALL = List.of(
            ConsumerSettings.JDBC_URL,
            ConsumerSettings.USER,
            ConsumerSettings.PASSWORD,
            ConsumerSettings.CLICKHOUSE_TIMEOUT,
            FROM,
            TO,
            OUTPUT,
            TABLES,
            EVERY);

    private ExportSettings() {}
}
