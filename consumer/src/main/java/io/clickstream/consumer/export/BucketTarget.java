package io.clickstream.consumer.export;

import io.clickstream.consumer.clickhouse.SqlScript;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import javax.sql.DataSource;

/**
 * Objects in an S3-compatible bucket (AWS S3, MinIO, ...), written by ClickHouse itself:
 * {@code INSERT INTO FUNCTION s3(url, key, secret, 'Parquet') SELECT ...} with
 * {@code s3_truncate_on_insert}, so no row passes through this process and a re-run replaces the
 * object (an S3 upload becomes visible only when complete). The ClickHouse server must reach the
 * endpoint. ClickHouse cannot delete an object: a day that has no rows any more keeps the object
 * of an earlier run.
 */
final class BucketTarget implements ExportTarget {
    private final String endpoint;
    private final String bucket;
    private final String prefix;
    private final String accessKey;
    private final String secretKey;

    /** @param prefix the key prefix below the bucket, without slashes at its ends ("" for none) */
    BucketTarget(String endpoint, String bucket, String prefix, String accessKey, String secretKey) {
        this.endpoint = endpoint.replaceAll("/+$", "");
        this.bucket = bucket;
        this.prefix = prefix;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
    }

    /** {@code s3://bucket/prefix} → bucket and prefix; null if {@code output} is not an s3:// URL. */
    static String[] parse(String output) {
        if (!output.startsWith("s3://")) {
            return null;
        }
        String rest = output.substring("s3://".length()).replaceAll("/+$", "");
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, ""} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }

    private String url(String table, LocalDate day) {
        return endpoint + "/" + bucket + "/" + (prefix.isEmpty() ? "" : prefix + "/") + ExportTarget.key(table, day);
    }

    @Override
    public String location(String table, LocalDate day) {
        return url(table, day);
    }

    @Override
    public long write(DataSource dataSource, String table, LocalDate day, String select) throws SQLException {
        String insert = "INSERT INTO FUNCTION s3(" + SqlScript.literal(url(table, day)) + ", "
                + SqlScript.literal(accessKey) + ", " + SqlScript.literal(secretKey) + ", 'Parquet') " + select
                + " SETTINGS s3_truncate_on_insert = 1";
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(insert);
        }
        return -1;
    }

    @Override
    public boolean remove(String table, LocalDate day) {
        return false;
    }
}
