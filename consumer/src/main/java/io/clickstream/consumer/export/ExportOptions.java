package io.clickstream.consumer.export;

import static io.clickstream.consumer.export.ExportSettings.*;

import io.clickstream.consumer.config.ConsumerOptions;
import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The validated options of {@code export}. With {@code every} (scheduled), {@code from} and
 * {@code to} are unused: each round picks its day. The password never appears in {@link #toString()}.
 */
public record ExportOptions(
        String jdbcUrl,
        String user,
        String password,
        Duration clickHouseTimeout,
        LocalDate from,
        LocalDate to,
        String output,
        List<String> tables,
        Duration every,
        String s3Endpoint,
        String s3AccessKey,
        String s3SecretKey) {
    /** The longest range one run exports (ten years of days). */
    static final long MAX_DAYS = 3_660;

    public static ExportOptions from(Settings s) throws ConfigException {
        String url = s.required(ConsumerSettings.JDBC_URL);
        ConsumerOptions.databaseOf(url); // the same URL rules as the consumer's
        Duration every = s.optionalDuration(EVERY);
        if (every != null && (s.string(FROM) != null || s.string(TO) != null)) {
            throw Settings.invalid(EVERY, s.string(EVERY), "chooses its days itself: not with --from or --to");
        }
        if (every != null && every.toSeconds() < 60) {
            throw Settings.invalid(EVERY, s.string(EVERY), "must be at least 1m");
        }
        LocalDate from = every != null ? LocalDate.EPOCH : day(s, FROM, s.required(FROM));
        LocalDate to = s.string(TO) == null ? from : day(s, TO, s.string(TO));
        if (to.isBefore(from)) {
            throw Settings.invalid(TO, s.string(TO), "is before --from " + from);
        }
        if (ChronoUnit.DAYS.between(from, to) >= MAX_DAYS) {
            throw Settings.invalid(TO, s.string(TO), "more than " + MAX_DAYS + " days after --from: export in parts");
        }
        String output = s.required(OUTPUT).strip();
        String[] bucket = BucketTarget.parse(output);
        if (bucket != null && bucket[0].isEmpty()) {
            throw Settings.invalid(OUTPUT, output, "names no bucket (s3://BUCKET/PREFIX)");
        }
        if (bucket != null && !s.required(S3_ENDPOINT).matches("https?://[^/]+/?")) {
            throw Settings.invalid(S3_ENDPOINT, s.string(S3_ENDPOINT), "is not an http(s)://host[:port] endpoint");
        }
        Set<String> tables = new LinkedHashSet<>();
        for (String part : s.required(TABLES).split(",")) {
            String table = part.strip();
            if (!ParquetExport.TABLES.contains(table)) {
                throw Settings.invalid(
                        TABLES, s.string(TABLES), "names '" + table + "', not one of " + ParquetExport.TABLES);
            }
            tables.add(table);
        }
        return new ExportOptions(
                url,
                s.required(ConsumerSettings.USER),
                s.string(ConsumerSettings.PASSWORD) == null ? "" : s.string(ConsumerSettings.PASSWORD),
                s.duration(ConsumerSettings.CLICKHOUSE_TIMEOUT),
                from,
                to,
                output,
                List.copyOf(tables),
                every,
                s.required(S3_ENDPOINT),
                s.string(S3_ACCESS_KEY) == null ? "" : s.string(S3_ACCESS_KEY),
                s.string(S3_SECRET_KEY) == null ? "" : s.string(S3_SECRET_KEY));
    }

    private static LocalDate day(Settings s, io.clickstream.service.Setting setting, String value)
            throws ConfigException {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw Settings.invalid(setting, value, "is not a day such as 2019-10-01");
        }
    }

    /** Where the files go: the directory, or the bucket behind s3://. */
    ExportTarget target() {
        String[] bucket = BucketTarget.parse(output);
        return bucket == null
                ? new DirectoryTarget(Path.of(output))
                : new BucketTarget(s3Endpoint, bucket[0], bucket[1], s3AccessKey, s3SecretKey);
    }

    @Override
    public String toString() {
        return "ExportOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", from=" + from + ", to=" + to + ", output="
                + output + ", tables=" + tables + ", every=" + every + ", s3Endpoint=" + s3Endpoint + "]";
    }
}
