package io.clickstream.consumer.clickhouse;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which engines the schema files' tables get. The files in {@code clickhouse/init} declare the
 * single-server layout; the replicated layout is derived from the same statements, so there is
 * no second copy of the schema to drift:
 *
 * <ul>
 *   <li>{@code ENGINE = MergeTree}, {@code AggregatingMergeTree}, {@code SummingMergeTree(cols)},
 *       {@code ReplacingMergeTree} become their {@code Replicated…} engines, with the Keeper path
 *       {@value #KEEPER_PATH} and the replica name {@value #REPLICA_NAME}, ahead of the engine's own
 *       arguments. {@code {shard}} and {@code {replica}} are macros each server defines in its
 *       configuration; {@code {database}} and {@code {table}} are ClickHouse's own. The path names the
 *       database and table, not the table's UUID, so the same statement run on each replica (apply-schema
 *       runs once per replica) makes replicas of one table, never tables of their own.
 *   <li>{@code non_replicated_deduplication_window} becomes {@code replicated_deduplication_window}:
 *       the same number of blocks, remembered in Keeper for all replicas together, so a block re-sent
 *       to any replica is recognised (docs/consumer.md, "On a replicated ClickHouse").
 * </ul>
 *
 * Everything else (columns, ORDER BY, TTL, projections, views, ALTERs) is the same statement.
 */
public enum SchemaLayout {
    /** One ClickHouse server: the files as they are. */
    SINGLE,
    /** ReplicatedMergeTree tables on every replica of one shard, coordinated by Keeper. */
    REPLICATED;

    static final String KEEPER_PATH = "/clickhouse/tables/{shard}/{database}/{table}";
    static final String REPLICA_NAME = "{replica}";

    private static final Pattern ENGINE =
            Pattern.compile("\\bENGINE\\s*=\\s*(Aggregating|Summing|Replacing|)MergeTree\\b(\\s*\\()?");
    private static final Pattern WINDOW = Pattern.compile("\\bnon_replicated_deduplication_window\\b");

    /** The layout a setting names: {@code single} or {@code replicated}. */
    public static SchemaLayout of(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }

    /** {@code statement} for this layout. */
    public String apply(String statement) {
        if (this == SINGLE) {
            return statement;
        }
        String replicated = WINDOW.matcher(statement).replaceAll("replicated_deduplication_window");
        Matcher engine = ENGINE.matcher(replicated);
        if (!engine.find()) {
            return replicated;
        }
        String keeperArguments = "'" + KEEPER_PATH + "', '" + REPLICA_NAME + "'";
        boolean ownArguments = engine.group(2) != null;
        StringBuilder out = new StringBuilder(replicated.length() + 64)
                .append(replicated, 0, engine.start())
                .append("ENGINE = Replicated")
                .append(engine.group(1))
                .append("MergeTree(")
                .append(keeperArguments);
        if (ownArguments) {
            int close = closingParenthesis(replicated, engine.end() - 1);
            String own = replicated.substring(engine.end(), close).strip();
            out.append(own.isEmpty() ? "" : ", " + own).append(')').append(replicated, close + 1, replicated.length());
        } else {
            out.append(')').append(replicated, engine.end(), replicated.length());
        }
        if (ENGINE.matcher(out).find()) {
            throw new IllegalArgumentException("more than one MergeTree engine in one statement: " + statement);
        }
        return out.toString();
    }

    private static int closingParenthesis(String sql, int open) {
        int depth = 0;
        for (int i = open; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (c == '(') {
                depth++;
            } else if (c == ')' && --depth == 0) {
                return i;
            }
        }
        throw new IllegalArgumentException("unbalanced parentheses after ENGINE in: " + sql);
    }
}
