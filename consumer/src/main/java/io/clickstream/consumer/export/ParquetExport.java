package io.clickstream.consumer.export;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Writes tables of a range of UTC days as Hive-partitioned Parquet:
 * {@code OUTPUT/TABLE/date=YYYY-MM-DD/part-0.parquet}, one file per table and day, to an
 * {@link ExportTarget}. ClickHouse writes the Parquet; no row is decoded here. A re-run replaces
 * a day's file (never doubles it) and a failed run leaves the previous file; a day that has no
 * rows (any more) gets no file.
 */
public final class ParquetExport {
    /** The tables an export can write. */
    public static final List<String> TABLES = List.of("events", "category_day");

    /** Per table, the query for one day: {@code {from}} that day, {@code {to}} the next. */
    private static final Map<String, String> DAY_QUERY = Map.of(
            "events",
            "SELECT toString(event_id) AS event_id, toString(event_type) AS event_type, user_id, product_id, price,"
                    + " timestamp, session_id, category, category_id, brand, order_id, device, browser, os,"
                    + " ingested_at, kafka_topic, kafka_partition, kafka_offset"
                    + " FROM events WHERE timestamp >= toDateTime64('{from}', 3, 'UTC')"
                    + " AND timestamp < toDateTime64('{to}', 3, 'UTC') ORDER BY timestamp, event_id",
            "category_day",
            "SELECT day, category, toString(event_type) AS event_type, sum(events) AS events, sum(revenue) AS revenue,"
                    + " uniqMerge(users) AS users, uniqMerge(sessions) AS sessions, uniqMerge(orders) AS orders"
                    + " FROM category_day WHERE day = toDate('{from}') GROUP BY day, category, event_type"
                    + " ORDER BY category, event_type");

    private static final Map<String, String> ROWS_PER_DAY = Map.of(
            "events",
            "SELECT toString(toDate(timestamp, 'UTC')), count() FROM events"
                    + " WHERE timestamp >= toDateTime64('{from}', 3, 'UTC') AND timestamp < toDateTime64('{to}', 3, 'UTC')"
                    + " GROUP BY 1",
            "category_day",
            "SELECT toString(day), count() FROM (SELECT day FROM category_day"
                    + " WHERE day >= toDate('{from}') AND day < toDate('{to}') GROUP BY day, category, event_type)"
                    + " GROUP BY 1");

    /** What one run wrote. */
    public record Summary(long files, long rows, long bytes, long removed) {}

    private final DataSource dataSource;
    private final Consumer<String> progress;

    public ParquetExport(DataSource dataSource, Consumer<String> progress) {
        this.dataSource = dataSource;
        this.progress = progress;
    }

    /** Exports {@code tables} for the days {@code from} to {@code to}, inclusive, to {@code target}. */
    Summary run(List<String> tables, LocalDate from, LocalDate to, ExportTarget target)
            throws SQLException, IOException {
        long files = 0;
        long rows = 0;
        long bytes = 0;
        long removed = 0;
        long days = to.toEpochDay() - from.toEpochDay() + 1;
        for (String table : tables) {
            Map<LocalDate, Long> perDay = rowsPerDay(table, from, to.plusDays(1));
            long done = 0;
            for (LocalDate day = from; !day.isAfter(to); day = day.plusDays(1)) {
                done++;
                long count = perDay.getOrDefault(day, 0L);
                if (count == 0) {
                    if (target.remove(table, day)) {
                        removed++;
                        progress.accept(String.format(
                                "%s %s: no rows, removed the earlier file (%d/%d)", table, day, done, days));
                    }
                    continue;
                }
                long size = target.write(dataSource, table, day, fill(DAY_QUERY.get(table), day, day.plusDays(1)));
                files++;
                rows += count;
                bytes += Math.max(0, size);
                progress.accept(String.format(
                        "%s %s: %,d rows%s -> %s (%d/%d)",
                        table,
                        day,
                        count,
                        size < 0 ? "" : String.format(", %,d bytes", size),
                        target.location(table, day),
                        done,
                        days));
            }
        }
        return new Summary(files, rows, bytes, removed);
    }

    private Map<LocalDate, Long> rowsPerDay(String table, LocalDate from, LocalDate toExclusive) throws SQLException {
        Map<LocalDate, Long> perDay = new TreeMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet days = statement.executeQuery(fill(ROWS_PER_DAY.get(table), from, toExclusive))) {
            while (days.next()) {
                perDay.put(LocalDate.parse(days.getString(1)), days.getLong(2));
            }
        }
        return perDay;
    }

    private static String fill(String query, LocalDate from, LocalDate to) {
        return query.replace("{from}", from.toString()).replace("{to}", to.toString());
    }
}
