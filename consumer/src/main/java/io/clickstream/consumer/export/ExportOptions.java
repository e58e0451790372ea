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
        Path output,
        List<String> tables,
        Duration every) {
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
                Path.of(s.required(OUTPUT)),
                List.copyOf(tables),
                every);
    }

    private static LocalDate day(Settings s, io.clickstream.service.Setting setting, String value)
            throws ConfigException {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw Settings.invalid(setting, value, "is not a day such as 2019-10-01");
        }
    }

    @Override
    public String toString() {
        return "ExportOptions[jdbcUrl=" + jdbcUrl + ", user=" + user + ", from=" + from + ", to=" + to + ", output="
                + output + ", tables=" + tables + ", every=" + every + "]";
    }
}
