package io.clickstream.deployment;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Expands the macros of Grafana's ClickHouse data source (grafana-clickhouse-datasource v4,
 * pkg/macros/macros.go) exactly as the plugin does, for a fixed time range and interval, and the
 * dashboard variables as the plugin's front end and Grafana do (CHDatasource.applyTemplateVariables):
 * {@code $__conditionalAll(condition, $var)} becomes {@code 1=1} when the variable is All, else
 * the condition; {@code ${var:singlequote}} becomes each value single-quoted, joined by commas.
 * A macro or variable it does not know fails the test rather than reaching ClickHouse unexpanded.
 */
final class GrafanaMacros {
    private static final Pattern WITH_ARGUMENT =
            Pattern.compile("\\$__(timeFilter_ms|timeFilter|timeInterval_ms|timeInterval|dateFilter)\\(([^)]*)\\)");
    private static final Pattern ANY_MACRO = Pattern.compile("\\$__\\w+");

    private GrafanaMacros() {}

    private static final Pattern SINGLEQUOTE = Pattern.compile("\\$\\{(\\w+):singlequote}");

    static String expand(String sql, Instant from, Instant to, long intervalSeconds) {
        return expand(sql, from, to, intervalSeconds, Map.of());
    }

    /**
     * @param selected values per dashboard variable; a variable absent here is at All (every
     *     value, which {@code $__conditionalAll} turns into {@code 1=1})
     */
    static String expand(
            String sql, Instant from, Instant to, long intervalSeconds, Map<String, List<String>> selected) {
        return expandTimeMacros(variables(sql, selected), from, to, intervalSeconds);
    }

    private static String variables(String sql, Map<String, List<String>> selected) {
        String macro = "$__conditionalAll(";
        for (int at = sql.lastIndexOf(macro); at >= 0; at = sql.lastIndexOf(macro)) {
            List<String> arguments = macroArguments(sql, at + macro.length() - 1);
            if (arguments.size() != 2) {
                return sql; // the plugin leaves it as it is: ClickHouse then refuses it
            }
            String variable = arguments.get(1).trim().replaceAll("^\\$\\{?|}$", "");
            String phrase = selected.containsKey(variable) ? arguments.get(0) : "1=1";
            sql = sql.replace(macro + arguments.get(0) + "," + arguments.get(1) + ")", phrase);
        }
        Matcher quoted = SINGLEQUOTE.matcher(sql);
        StringBuilder out = new StringBuilder();
        while (quoted.find()) {
            List<String> values = selected.get(quoted.group(1));
            if (values == null) {
                throw new AssertionError("${" + quoted.group(1) + "} at All outside $__conditionalAll: " + sql);
            }
            String list = String.join(
                    ",",
                    values.stream().map(v -> "'" + v.replace("'", "\\'") + "'").toList());
            quoted.appendReplacement(out, Matcher.quoteReplacement(list));
        }
        quoted.appendTail(out);
        return out.toString();
    }

    /** The plugin's getMacroArgs: the arguments between the parenthesis at {@code open} and its match, split at its own commas. */
    private static List<String> macroArguments(String sql, int open) {
        List<String> arguments = new java.util.ArrayList<>();
        int depth = 0;
        int start = open + 1;
        for (int i = open; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
            if (c == ',' && depth == 1) {
                arguments.add(sql.substring(start, i));
                start = i + 1;
            }
            if (depth == 0) {
                arguments.add(sql.substring(start, i));
                return arguments;
            }
        }
        return List.of();
    }

    private static String expandTimeMacros(String sql, Instant from, Instant to, long intervalSeconds) {
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
        Matcher variable = Pattern.compile("\\$\\{?[A-Za-z]\\w*").matcher(expanded);
        if (variable.find()) {
            throw new AssertionError("dashboard variable " + variable.group() + " left unexpanded: " + sql);
        }
        Matcher left = ANY_MACRO.matcher(expanded);
        if (left.find()) {
            throw new AssertionError(
                    "macro " + left.group() + " is not one the ClickHouse data source expands: " + sql);
        }
        return expanded;
    }
}
