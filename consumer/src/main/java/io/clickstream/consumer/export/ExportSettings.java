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
            "a directory, or s3://BUCKET/PREFIX, the Parquet files go to as TABLE/date=YYYY-MM-DD/part-0.parquet"
                    + " (required)");
    public static final Setting S3_ENDPOINT = Setting.of(
            "--s3-endpoint",
            "EXPORT_S3_ENDPOINT",
            "https://s3.amazonaws.com",
            "with an s3:// output: the S3-compatible endpoint, as the ClickHouse server reaches it"
                    + " (e.g. http://minio:9000)");
    public static final Setting S3_ACCESS_KEY =
            Setting.secret("--s3-access-key-id", "EXPORT_S3_ACCESS_KEY_ID", "with an s3:// output: the access key id");
    public static final Setting S3_SECRET_KEY = Setting.secret(
            "--s3-secret-access-key", "EXPORT_S3_SECRET_ACCESS_KEY", "with an s3:// output: the secret access key");
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
            EVERY,
            S3_ENDPOINT,
            S3_ACCESS_KEY,
            S3_SECRET_KEY);

    private ExportSettings() {}
}
