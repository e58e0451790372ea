package io.clickstream.deployment;

import io.clickstream.testsupport.ClickHouseService;
import java.net.URI;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * Benchmark (run by scripts/dashboard-query-times.sh, not by the test suite). Live mode: loads N
 * synthetic events spread over the 3 hours before now, then times every live dashboard panel's
 * query (macros expanded) over the default 15-minute range and over the whole 3 hours, and
 * every alert rule's, and the sources and campaigns panels over the same two ranges (the whole
 * 3 hours: every session of the table). Trends mode: loads N events spread over the 90 days before now (the
 * materialized views fill the rollups the trends dashboard reads) and times every trends panel
 * over 7, 30 and 90 days, and every sources and campaigns panel over 24 hours, 7 and 30 days. Prints Markdown tables of median wall-clock milliseconds of 5 runs,
 * client to result.
 *
 * <p>Arguments: ClickHouse HTTP URL, number of events (default 1,000,000), {@code live} (default)
 * or {@code trends}.
 */
public final class DashboardQueryTimes {
    private static final int RUNS = 5;

    private DashboardQueryTimes() {}

    public static void main(String[] args) {
        ClickHouseService ch = ClickHouseService.connect(URI.create(args[0]), "default", "", "");
        long events = args.length > 1 ? Long.parseLong(args[1]) : 1_000_000;
        boolean trends = args.length > 2 && args[2].equals("trends");
        long spanSeconds = trends ? 90L * 86_400 : 3L * 3600;
        String db = Schema.apply(ch, "dashboard_bench_" + Long.toHexString(System.nanoTime()));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        long started = System.nanoTime();
        ch.execute("INSERT INTO " + db
                + ".events (event_id, event_type, user_id, product_id, price, timestamp, session_id,"
                + " category, device, browser, os, kafka_topic, kafka_partition, kafka_offset, ingested_at,"
                + " channel, utm_source, utm_campaign, page, referrer, country, is_bot, customer_id)"
                + " SELECT generateUUIDv4(),"
                + " multiIf(rand(1) % 100 < 90, 'page_view', rand(1) % 100 < 97, 'add_to_cart', rand(1) % 100 < 98,"
                + " 'remove_from_cart', 'purchase'),"
                + " concat('user_', toString(rand(2) % 500)), concat('prod_', toString(rand(3) % 1000 + 1)),"
                + " toDecimal64((rand(4) % 200000) / 100, 2),"
                + " addMilliseconds(fromUnixTimestamp64Milli("
                + now.minusSeconds(spanSeconds).toEpochMilli() + "),"
                + " intDiv(number * " + spanSeconds * 1000 + ", " + events + ")) AS ts,"
                // 500 shoppers active at a time, 10 events per session, each session's events
                // consecutive in time among the others' (as the simulator's shoppers make them)
                + " concat('sess_', toString(number % 500 + 500 * intDiv(number, 5000))),"
                + " ['electronics.smartphone', 'apparel.shoes', 'kids.toys', 'computers.notebook'][rand(6) % 4 + 1],"
                + " ['mobile', 'desktop', 'tablet'][rand(7) % 3 + 1], ['Chrome', 'Safari', 'Firefox', 'Edge'][rand(8) % 4 + 1],"
                + " ['Android', 'iOS', 'Windows', 'macOS'][rand(9) % 4 + 1], 'bench', number % 3, number,"
                + " addMilliseconds(ts, 300 + rand(10) % 4000),"
                // where sessions come from: seven channels, 20 campaigns, 1,000 landing pages,
                // ten countries, 2% bots, a third of the events a known customer's
                + " ['direct', 'organic_search', 'paid_search', 'organic_social', 'paid_social', 'email',"
                + " 'referral'][rand(13) % 7 + 1] AS ch,"
                + " if(ch IN ('paid_search', 'paid_social', 'email'), ['google', 'facebook', 'newsletter'][rand(14) % 3 + 1], ''),"
                + " if(ch IN ('paid_search', 'paid_social', 'email'), concat('campaign_', toString(rand(15) % 20)), ''),"
                + " concat('shop.example.com/products/prod_', toString(rand(3) % 1000 + 1)),"
                + " if(ch = 'direct', '', 'www.google.com/'),"
                + " ['DE', 'US', 'GB', 'FR', 'NL', 'AT', 'CH', 'ES', 'IT', 'PL'][rand(16) % 10 + 1],"
                + " rand(17) % 100 < 2, if(rand(18) % 3 = 0, concat('cust_', toString(rand(2) % 500)), '')"
                + " FROM numbers(" + events + ")");
        // One dead letter per 1,000 events, over the same hours, with payloads of about 200 bytes.
        ch.execute("INSERT INTO " + db + ".dead_letters (received_at, reason_class, reason, source_topic,"
                + " source_topic_id, source_partition, source_offset, source_timestamp, key, payload, payload_bytes)"
                + " SELECT addMilliseconds(fromUnixTimestamp64Milli("
                + now.minusSeconds(spanSeconds).toEpochMilli()
                + "), intDiv(number * " + spanSeconds * 1000 + ", " + Math.max(1, events / 1000) + ")),"
                + " ['malformed', 'missing_field', 'invalid_value', 'rejected_by_clickhouse'][rand(11) % 4 + 1],"
                + " 'price: must be >= 0, got -1', 'bench', generateUUIDv4(), number % 3, number, NULL,"
                + " concat('user_', toString(rand(12) % 500)), repeat('x', 200), 200"
                + " FROM numbers(" + Math.max(1, events / 1000) + ")");
        System.out.printf(
                "loaded %,d events (and their rollups) and %,d dead letters in %.1f s%n%n",
                events, Math.max(1, events / 1000), (System.nanoTime() - started) / 1e9);
        if (trends) {
            System.out.println("| trends panel | 7 days (ms) | 30 days (ms) | 90 days (ms) |");
            System.out.println("|---|---:|---:|---:|");
            for (Map.Entry<String, String> panel :
                    Provisioning.trendsPanelQueries().entrySet()) {
                System.out.printf(
                        "| %s | %.1f | %.1f | %.1f |%n",
                        panel.getKey(),
                        median(ch, db, panel.getValue(), now.minusSeconds(7 * 86_400), now, 600),
                        median(ch, db, panel.getValue(), now.minusSeconds(30 * 86_400), now, 3600),
                        median(ch, db, panel.getValue(), now.minusSeconds(90 * 86_400), now, 3 * 3600));
            }
            System.out.println();
            System.out.println("| sources panel | 24 hours (ms) | 7 days (ms) | 30 days (ms) |");
            System.out.println("|---|---:|---:|---:|");
            for (Map.Entry<String, String> panel :
                    Provisioning.sourcesPanelQueries().entrySet()) {
                System.out.printf(
                        "| %s | %.1f | %.1f | %.1f |%n",
                        panel.getKey(),
                        median(ch, db, panel.getValue(), now.minusSeconds(86_400), now, 60),
                        median(ch, db, panel.getValue(), now.minusSeconds(7 * 86_400), now, 600),
                        median(ch, db, panel.getValue(), now.minusSeconds(30 * 86_400), now, 3600));
            }
            System.out.println();
            System.out.println("| rollup | rows |");
            System.out.println("|---|---:|");
            for (String table :
                    List.of("events_per_minute", "segment_minute", "category_day", "category_minute", "sessions")) {
                System.out.printf("| %s | %,d |%n", table, ch.queryLong("SELECT count() FROM " + db + "." + table));
            }
            ch.execute("DROP DATABASE " + db);
            return;
        }
        System.out.println("| panel | last 15 min (ms) | all 3 hours (ms) |");
        System.out.println("|---|---:|---:|");
        for (Map.Entry<String, String> panel : Provisioning.panelQueries().entrySet()) {
            System.out.printf(
                    "| %s | %.1f | %.1f |%n",
                    panel.getKey(),
                    median(ch, db, panel.getValue(), now.minusSeconds(900), now, 1),
                    median(ch, db, panel.getValue(), now.minusSeconds(3 * 3600), now, 10));
        }
        for (Map.Entry<String, String> panel :
                Provisioning.sourcesPanelQueries().entrySet()) {
            System.out.printf(
                    "| sources: %s | %.1f | %.1f |%n",
                    panel.getKey(),
                    median(ch, db, panel.getValue(), now.minusSeconds(900), now, 10),
                    median(ch, db, panel.getValue(), now.minusSeconds(3 * 3600), now, 60));
        }
        for (Provisioning.AlertRule rule : Provisioning.alertRules()) {
            System.out.printf(
                    "| alert: %s | %.1f | |%n",
                    rule.title(), median(ch, db, rule.sql(), now.minus(rule.range()), now, 60));
        }
        ch.execute("DROP DATABASE " + db);
    }

    private static double median(ClickHouseService ch, String db, String sql, Instant from, Instant to, long interval) {
        // the dashboards' default selections: every selector at All, the sources dashboard's
        // Visitors at people (a variable a query does not use is ignored)
        String expanded = GrafanaMacros.expand(sql, from, to, interval, Map.of("visitors", List.of("person")))
                .replace("clickstream.", db + ".");
        ch.queryRows(expanded); // warm-up
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            long start = System.nanoTime();
            ch.queryRows(expanded);
            millis.add((System.nanoTime() - start) / 1e6);
        }
        Collections.sort(millis);
        return millis.get(RUNS / 2);
    }
}
