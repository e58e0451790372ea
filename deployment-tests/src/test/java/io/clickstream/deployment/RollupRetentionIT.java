package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The rollups and sessions keep history of any age by default (36,500 days after the event):
 * events of October 2019 fill every rollup, and merges (which apply TTLs) keep them. Also the
 * upgrade: the tables as an earlier version made them (400 days after the event) drop such events
 * (at insert, or at the next merge); applying the schema again gives them the configured
 * retention, keeping the rows they hold, and their views count as a fresh install's (no session
 * is no session, orders, removals); {@code events} gains the columns added since.
 */
@ExtendWith(RealServices.class)
class RollupRetentionIT {
    /** Each rollup table and the event-time column its TTL used before. */
    private static final Map<String, String> ROLLUPS = Map.of(
            "events_per_minute", "minute",
            "product_minute", "minute",
            "segment_minute", "minute",
            "sessions", "day",
            "category_day", "day",
            "category_minute", "minute");

    private static FixtureEvent event(String session, Instant at) {
        return new FixtureEvent(
                "purchase",
                "u-" + session,
                session,
                "p-1",
                "shoes",
                new BigDecimal("12.50"),
                at,
                Instant.now(),
                "desktop",
                "Linux",
                "Firefox");
    }

    private static final Instant OCTOBER_2019 = Instant.parse("2019-10-01T08:30:00Z");

    @Test
    void historyFillsEveryRollupAndSurvivesMerges(ClickHouseService ch) {
        String db = Schema.apply(ch, "retention_" + Long.toHexString(System.nanoTime()));
        ch.execute(FixtureEvent.insertInto(db, List.of(event("s-2019", OCTOBER_2019))));
        optimize(ch, db);
        for (String table : ROLLUPS.keySet()) {
            assertEquals(1, rowsOf(ch, db, table, "2019-10-01"), table + " keeps October 2019");
        }
    }

    @Test
    void tablesOfTheEarlierVersionMoveToRetentionByIngestionWhenTheSchemaIsApplied(ClickHouseService ch) {
        String db = Schema.apply(ch, "retention_upgrade_" + Long.toHexString(System.nanoTime()));
        earlierVersion(ch, db);
        Instant yesterday = Instant.now().minus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MINUTES);
        String yesterdayDay = yesterday.toString().substring(0, 10);
        ch.execute(FixtureEvent.insertInto(db, List.of(event("s-recent", yesterday))));
        ch.execute(FixtureEvent.insertInto(db, List.of(event("s-2019-before", OCTOBER_2019))));
        optimize(ch, db); // at insert or at the latest at the next merge
        for (String table : ROLLUPS.keySet()) {
            assertEquals(0, rowsOf(ch, db, table, "2019-10-01"), table + ": the earlier version drops history");
        }

        Schema.apply(ch, db); // the upgrade: what the consumer's --schema apply does at its start

        // A fresh install as its CREATE statements alone make it: the ALTERs for earlier installs
        // must not leave an upgraded one with other views.
        String fresh = Schema.apply(
                ch,
                "retention_fresh_" + Long.toHexString(System.nanoTime()),
                sql -> !(sql.startsWith("ALTER TABLE") && sql.contains("MODIFY QUERY")));
        for (String view : List.of(
                "events_per_minute_mv",
                "product_minute_mv",
                "segment_minute_mv",
                "sessions_mv",
                "category_day_mv",
                "category_minute_mv")) {
            assertEquals(
                    viewQuery(ch, fresh, view).replace(fresh + ".", "db."),
                    viewQuery(ch, db, view).replace(db + ".", "db."),
                    view + ": an upgraded install counts as a fresh one");
        }

        assertEquals(
                "order_id String, brand LowCardinality(String), category_id String",
                ch.query("SELECT arrayStringConcat(groupArray(name || ' ' || type), ', ') FROM (SELECT name, type"
                        + " FROM system.columns WHERE database = '" + db + "' AND table = 'events'"
                        + " AND name IN ('order_id', 'brand', 'category_id') ORDER BY position)"),
                "the columns events gained, after os");
        assertEquals(
                columnsOf(ch, fresh, "events"),
                columnsOf(ch, db, "events"),
                "an upgraded events table has a fresh one's columns, in its order (traffic, customer, properties)");
        assertEquals(
                columnsOf(ch, fresh, "sessions"),
                columnsOf(ch, db, "sessions"),
                "an upgraded sessions table has a fresh one's columns (where sessions came from)");
        assertEquals(
                "|false||false||{}",
                ch.query("SELECT concat(page, '|', toString(paid_click), '|', channel, '|', toString(is_bot), '|',"
                                + " customer_id, '|', toString(properties)) FROM " + db + ".events"
                                + " WHERE session_id = 's-2019-before'")
                        .strip(),
                "rows stored before the upgrade read as nothing known");
        assertTrue(
                ch.query("SELECT create_table_query FROM system.tables WHERE database = '" + db
                                + "' AND name = 'events'")
                        .contains("PROJECTION stored_per_minute"),
                "events gained the projection the freshness panel reads");
        ch.execute(FixtureEvent.insertInto(db, List.of(event("s-2019-after", OCTOBER_2019))));
        optimize(ch, db);
        for (String table : ROLLUPS.keySet()) {
            assertEquals(1, rowsOf(ch, db, table, "2019-10-01"), table + " keeps history after the upgrade");
            assertEquals(1, rowsOf(ch, db, table, yesterdayDay), table + " keeps what it held");
            String ddl = ch.query("SELECT create_table_query FROM system.tables WHERE database = '" + db
                    + "' AND name = '" + table + "'");
            assertTrue(ddl.contains("TTL " + ROLLUPS.get(table) + " + toIntervalDay(36500)"), ddl);
        }
    }

    /** The columns of where an event came from, who and its properties: added by a later version. */
    private static final List<String> TRAFFIC_COLUMNS = List.of(
            "page",
            "page_title",
            "referrer",
            "page_view_id",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "paid_click",
            "channel",
            "is_bot",
            "country",
            "customer_id",
            "properties");

    /** A table's columns as ClickHouse holds them: name and type, in position order. */
    private static String columnsOf(ClickHouseService ch, String db, String table) {
        return ch.query("SELECT arrayStringConcat(groupArray(name || ' ' || type), ', ') FROM (SELECT name, type"
                + " FROM system.columns WHERE database = '" + db + "' AND table = '" + table + "' ORDER BY position)");
    }

    /**
     * Turns a fresh install into what the earlier version made: views counting events without a
     * session and without orders or removals, rollups without those columns and kept 400 days
     * after the event, events without order_id, brand and category_id, without the traffic,
     * customer and properties columns, sessions without where they came from, views counting bots,
     * and without the stored_per_minute projection. Views first: ClickHouse refuses to drop a column a view reads.
     */
    private static void earlierVersion(ClickHouseService ch, String db) {
        for (String view : List.of(
                "events_per_minute_mv",
                "category_day_mv",
                "sessions_mv",
                "product_minute_mv",
                "segment_minute_mv",
                "category_minute_mv")) {
            ch.execute("ALTER TABLE " + db + "." + view + " MODIFY QUERY "
                    + viewQuery(ch, db, view)
                            .replace("WHERE NOT is_bot ", "")
                            .replaceAll("(?s),\\s*argMinState\\(CAST\\(channel.*? AS is_bot", "")
                            .replace("uniqStateIf(session_id, session_id != '')", "uniqState(session_id)")
                            .replaceAll("(?s),\\s*uniqStateIf\\(if\\(order_id.*?\\) AS orders", "")
                            .replaceAll(
                                    ",\\s*sumIf\\(toDecimal128\\(price, 2\\), event_type = 'remove_from_cart'\\)"
                                            + " AS removed_value",
                                    ""));
            String query = viewQuery(ch, db, view);
            assertTrue(
                    !query.contains("orders") && !query.contains("removed_value") && !query.contains("is_bot"),
                    "the earlier " + view + ": " + query);
        }
        for (String table : List.of("events_per_minute", "category_day", "sessions")) {
            ch.execute("ALTER TABLE " + db + "." + table + " DROP COLUMN orders");
        }
        ch.execute("ALTER TABLE " + db + ".sessions DROP COLUMN removed_value");
        for (String column :
                List.of("channel", "source", "campaign", "landing_page", "country", "customer_id", "is_bot")) {
            ch.execute("ALTER TABLE " + db + ".sessions DROP COLUMN " + column);
        }
        for (Map.Entry<String, String> rollup : ROLLUPS.entrySet()) {
            ch.execute("ALTER TABLE " + db + "." + rollup.getKey() + " MODIFY TTL " + rollup.getValue()
                    + " + INTERVAL 400 DAY");
        }
        for (String column : List.of("order_id", "brand", "category_id")) {
            ch.execute("ALTER TABLE " + db + ".events DROP COLUMN " + column);
        }
        for (String column : TRAFFIC_COLUMNS) {
            ch.execute("ALTER TABLE " + db + ".events DROP COLUMN " + column);
        }
        ch.execute("ALTER TABLE " + db + ".events DROP PROJECTION stored_per_minute");
    }

    /** A materialized view's SELECT as ClickHouse holds it. */
    private static String viewQuery(ClickHouseService ch, String db, String view) {
        return ch.query("SELECT as_select FROM system.tables WHERE database = '" + db + "' AND name = '" + view
                        + "' FORMAT TSVRaw")
                .trim();
    }

    /** Merges every rollup table into one part: TTLs are applied as they merge. */
    private static void optimize(ClickHouseService ch, String db) {
        for (String table : ROLLUPS.keySet()) {
            ch.execute("OPTIMIZE TABLE " + db + "." + table + " FINAL");
        }
    }

    /** Rows of a rollup table for one UTC day (each table's time column, merged or not). */
    private static long rowsOf(ClickHouseService ch, String db, String table, String day) {
        String time = ROLLUPS.get(table);
        return ch.queryLong("SELECT count() FROM (SELECT " + time + " FROM " + db + "." + table + " WHERE toDate("
                + time + ") = '" + day + "' GROUP BY ALL)");
    }
}
