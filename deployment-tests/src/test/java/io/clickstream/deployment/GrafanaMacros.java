package io.clickstream.deployment;

import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the macros of Grafana's ClickHouse data source (grafana-clickhouse-datasource v4,
 * pkg/macros/macros.go) exactly as the plugin does, for a fixed time range and interval. A
 * macro it does not know fails the test rather than reaching ClickHouse unexpanded.
 */
final class GrafanaMacros {
    private static final Pattern WITH_ARGUMENT =
            Pattern.compile("\\$__(timeFilter_ms|timeFilter|timeInterval_ms|timeInterval|dateFilter)\\(([^)]*)\\)");
    private static final Pattern ANY_MACRO = Pattern.compile("\\$__\\w+");

    private GrafanaMacros() {}

    static String expand(String sql, Instant from, Instant to, long intervalSeconds) {
        String fromS = "toDateTime(" + from.getEpochSecond() + ")";
        String toS = "toDateTime(" + to.getEpochSecond() + ")";
        String fromMs = "fromUnixTimestamp64Milli(" + from.toEpochMilli() + ")";
        String toMs = "fromUnixTimestamp64Milli(" + to.toEpochMilli() + ")";
        long interval = Math.max(intervalSeconds, 1);
        Matcher m = WITH_ARGUMENT.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String column = m.group(2).trim();
            String replacement = switch (m.group(1)) {
                case "timeFilter" -> column + " >= " + fromS + " AND " + column + " <= " + toS;
                case "timeFilter_ms" -> column + " >= " + fromMs + " AND " + column + " <= " + toMs;
                case "timeInterval" ->
                    "toStartOfInterval(toDateTime(" + column + "), INTERVAL " + interval + " second)";
                case "timeInterval_ms" ->
                    "toStartOfInterval(toDateTime64(" + column + ", 3), INTERVAL " + interval * 1000 + " millisecond)";
                default ->
                    column + " >= toDate('" + from.toString().substring(0, 10) + "') AND " + column + " <= toDate('"
                            + to.toString().substring(0, 10) + "')";
            };
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        String expanded = out.toString()
                .replace("$__fromTime_ms", fromMs)
                .replace("$__toTime_ms", toMs)
                .replace("$__fromTime", fromS)
                .replace("$__toTime", toS)
                .replace("$__interval_s", Long.toString(interval));
        Matcher left = ANY_MACRO.matcher(expanded);
        if (left.find()) {
            throw new AssertionError(
                    "macro " + left.group() + " is not one the ClickHouse data source expands: " + sql);
        }
        return expanded;
    }
}
