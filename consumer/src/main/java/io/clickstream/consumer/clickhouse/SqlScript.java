package io.clickstream.consumer.clickhouse;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a SQL file into statements the way clickhouse-client does for init scripts:
 * on semicolons outside quotes, identifiers and comments. ClickHouse's HTTP and JDBC
 * interfaces take one statement per request.
 */
public final class SqlScript {
    private SqlScript() {}

    /** {@code text} as a ClickHouse string literal: quoted, its backslashes and quotes escaped. */
    public static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    public static List<String> statements(String script) {
        List<String> statements = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int i = 0;
        while (i < script.length()) {
            char c = script.charAt(i);
            if (c == '-' && script.startsWith("--", i)) {
                int end = script.indexOf('\n', i);
                i = end < 0 ? script.length() : end; // drop the comment, keep the newline
            } else if (c == '/' && script.startsWith("/*", i)) {
                int end = script.indexOf("*/", i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated /* comment at offset " + i);
                }
                i = end + 2;
                current.append(' ');
            } else if (c == '\'' || c == '"' || c == '`') {
                int end = closingQuote(script, i, c);
                current.append(script, i, end + 1);
                i = end + 1;
            } else if (c == ';') {
                add(statements, current);
                current.setLength(0);
                i++;
            } else {
                current.append(c);
                i++;
            }
        }
        add(statements, current);
        return statements;
    }

    private static int closingQuote(String script, int open, char quote) {
        for (int i = open + 1; i < script.length(); i++) {
            char c = script.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                if (i + 1 < script.length() && script.charAt(i + 1) == quote) {
                    i++; // doubled quote escapes itself
                } else {
                    return i;
                }
            }
        }
        throw new IllegalArgumentException("unterminated " + quote + " quote at offset " + open);
    }

    private static void add(List<String> statements, StringBuilder statement) {
        String sql = statement.toString().strip();
        if (!sql.isEmpty()) {
            statements.add(sql);
        }
    }
}
