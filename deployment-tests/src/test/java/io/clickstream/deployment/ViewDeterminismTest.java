package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A re-sent insert is dropped by its deduplication token, and each materialized view's block for
 * it only if the view computes the same rows again (docs/consumer.md, "What it depends on"). So
 * no view's query, and no column default of a view's target table, may read the clock, a random
 * value, or the raw table's {@code ingested_at} (a new value at each attempt).
 */
class ViewDeterminismTest {
    private static final Pattern VIEW =
            Pattern.compile("CREATE MATERIALIZED VIEW IF NOT EXISTS \\S+ TO (\\S+) AS\\s+(SELECT.*?);", Pattern.DOTALL);
    private static final Pattern MODIFIED = Pattern.compile("MODIFY QUERY\\s+(SELECT.*?);", Pattern.DOTALL);
    private static final Pattern NOT_A_FUNCTION_OF_THE_ROWS = Pattern.compile(
            "\\b(now|now64|today|yesterday|rand|rand64|randConstant|generateUUIDv4|generateUUIDv7|nowInBlock)\\s*\\("
                    + "|\\bingested_at\\b");

    private static String schema() throws IOException {
        StringBuilder sql = new StringBuilder();
        for (Path file : Schema.files("clickhouse/init")) {
            sql.append(Files.readString(file)).append('\n');
        }
        return sql.toString();
    }

    @Test
    void viewsAndTheirTargetsComputeOnlyFromTheInsertedRows() throws IOException {
        String sql = schema();
        List<String> queries = new ArrayList<>();
        List<String> targets = new ArrayList<>();
        Matcher view = VIEW.matcher(sql);
        while (view.find()) {
            targets.add(view.group(1));
            queries.add(view.group(2));
        }
        Matcher modified = MODIFIED.matcher(sql);
        while (modified.find()) {
            queries.add(modified.group(1));
        }
        assertTrue(targets.size() >= 5, "found the views: " + targets);
        for (String query : queries) {
            assertFalse(NOT_A_FUNCTION_OF_THE_ROWS.matcher(query).find(), "a view reads more than its rows: " + query);
        }
        for (String target : targets) {
            Matcher table = Pattern.compile(
                            "CREATE TABLE IF NOT EXISTS " + Pattern.quote(target) + "\\s*\\((.*?)\\)\\s*ENGINE",
                            Pattern.DOTALL)
                    .matcher(sql);
            assertTrue(table.find(), "the table of " + target);
            String columns = table.group(1);
            assertFalse(
                    columns.toUpperCase(Locale.ROOT).matches("(?s).*\\b(DEFAULT|MATERIALIZED|EPHEMERAL|ALIAS)\\b.*")
                            && NOT_A_FUNCTION_OF_THE_ROWS.matcher(columns).find(),
                    target + " fills a column with a value that differs between an insert and its re-send: " + columns);
        }
        for (String alter : sql.lines()
                .filter(l -> l.startsWith("ALTER TABLE") && l.contains("ADD COLUMN"))
                .toList()) {
            assertFalse(NOT_A_FUNCTION_OF_THE_ROWS.matcher(alter).find() && !alter.contains(".events "), alter);
        }
    }
}
