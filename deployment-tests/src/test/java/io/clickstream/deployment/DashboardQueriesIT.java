package io.clickstream.deployment;

import static io.clickstream.deployment.DashboardFixture.FROM;
import static io.clickstream.deployment.DashboardFixture.INTERVAL_SECONDS;
import static io.clickstream.deployment.DashboardFixture.TO;
import static java.util.stream.Collectors.counting;
import static java.util.stream.Collectors.groupingBy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every panel of the committed dashboard, macros expanded as Grafana's ClickHouse data source
 * does, run against the real ClickHouse on the fixture; each result is compared with the same
 * number computed here in plain Java from the fixture rows.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardQueriesIT {
    private static final List<FixtureEvent> EVENTS = DashboardFixture.events();
    private ClickHouseService clickHouse;
    private String database;
    private final Map<String, String> panels = Provisioning.panelQueries();

    @BeforeAll
    void load(ClickHouseService clickHouse) {
        this.clickHouse = clickHouse;
        this.database = Schema.apply(clickHouse, "dash_" + Long.toHexString(System.nanoTime()));
        clickHouse.execute(FixtureEvent.insertInto(database, EVENTS));
        loadDeadLetters();
    }

    /**
     * Dead letters for the range 10:00–10:15: minute 2 holds two malformed and one
     * missing_field, minute 5 one rejected_by_clickhouse (inserted twice, as a retry after a lost
     * answer writes it: FINAL counts it once), minute 11 one invalid_value with a payload that is
     * not UTF-8; one more at 09:40 that no panel may count. 5 letters in the range.
     */
    private void loadDeadLetters() {
        String[][] letters = {
            // received_at, class, reason, offset, payload (SQL expression)
            {"10:02:05", "malformed", "truncated JSON", "11", "'{\"event_id\":'"},
            {"10:02:15", "malformed", "payload is not a JSON object", "12", "'[1,2]'"},
            {"10:02:45", "missing_field", "price: missing required field", "13", "'{}'"},
            {"10:05:30", "rejected_by_clickhouse", "rejected by ClickHouse: VIOLATED_CONSTRAINT", "20", "'{\"p\":1}'"},
            {"10:05:31", "rejected_by_clickhouse", "rejected by ClickHouse: VIOLATED_CONSTRAINT", "20", "'{\"p\":1}'"},
            {"10:11:00", "invalid_value", "price: must be >= 0, got -1", "30", "unhex('7B22C328227D')"},
            {"09:40:00", "malformed", "truncated JSON", "5", "'{'"},
        };
        for (String[] l : letters) {
            clickHouse.execute(
                    "INSERT INTO " + database + ".dead_letters (received_at, reason_class, reason, source_topic,"
                            + " source_topic_id, source_partition, source_offset, source_timestamp, key, payload, payload_bytes)"
                            + " SELECT toDateTime64('2026-11-25 " + l[0] + "', 3, 'UTC'), '" + l[1] + "', '" + l[2]
                            + "', 'clickstream.events', toUUID('11111111-2222-4333-8444-555555555555'), 0, " + l[3]
                            + ", NULL, 'user_1', p, length(p) FROM (SELECT " + l[4] + " AS p)");
        }
    }

    /** Runs a panel's query as Grafana would, against this test's database. */
    private List<Map<String, String>> panel(String title) {
        String sql = panels.get(title);
        assertTrue(sql != null, "no panel titled '" + title + "' in the dashboard");
        String expanded = GrafanaMacros.expand(sql, FROM, TO, INTERVAL_SECONDS).replace("clickstream.", database + ".");
        return clickHouse.queryRows(expanded);
    }

    /**
     * A server (or connection) in another timezone: every live panel answers with the same rows
     * as in UTC (compared as sets of rows: the order of rows that tie is ClickHouse's to choose).
     * Pago Pago is UTC-11, so 10:00-10:15 UTC is 23:00-23:15 of the day before there. Data
     * freshness is left out: it is "now" minus a time, different at each call.
     */
    @Test
    void everyPanelAnswersTheSameOnAServerInAnotherTimezone() {
        for (Map.Entry<String, String> panel : panels.entrySet()) {
            if (panel.getKey().equals("Data freshness")) {
                continue;
            }
            String sql = GrafanaMacros.expand(panel.getValue(), FROM, TO, INTERVAL_SECONDS)
                    .replace("clickstream.", database + ".");
            List<String> utc = sortedRows(clickHouse.queryRows(sql + "\nSETTINGS session_timezone = 'UTC'"));
            List<String> pagoPago =
                    sortedRows(clickHouse.queryRows(sql + "\nSETTINGS session_timezone = 'Pacific/Pago_Pago'"));
            assertTrue(!utc.isEmpty(), panel.getKey() + " has rows on the fixture");
            assertEquals(utc, pagoPago, panel.getKey() + " with session_timezone Pacific/Pago_Pago");
        }
    }

    private static List<String> sortedRows(List<Map<String, String>> rows) {
        return rows.stream()
                .map(r -> new java.util.TreeMap<>(r).toString())
                .sorted()
                .toList();
    }

    private static List<FixtureEvent> where(Predicate<FixtureEvent> filter) {
        return EVENTS.stream().filter(filter).toList();
    }

    private static boolean inRange(Instant t) {
        return !t.isBefore(FROM) && !t.isAfter(TO); // $__timeFilter: >= from AND <= to
    }

    private static boolean lastFiveMinutes(FixtureEvent e) {
        return e.timestamp().isAfter(TO.minusSeconds(300)) && !e.timestamp().isAfter(TO);
    }

    private static boolean is(FixtureEvent e, String type) {
        return e.type().equals(type);
    }

    private static void assertDecimal(BigDecimal expected, String actual, String what) {
        assertEquals(
                0, expected.compareTo(new BigDecimal(actual)), what + ": expected " + expected + ", got " + actual);
    }

    private static void assertNumber(double expected, String actual, String what) {
        assertEquals(expected, Double.parseDouble(actual), 0.006, what);
    }

    @Test
    void fixtureIsWhatItsDocumentationSays() {
        List<FixtureEvent> in = where(e -> inRange(e.minute()));
        assertEquals(150, in.stream().filter(e -> is(e, "page_view")).count());
        assertEquals(30, in.stream().filter(e -> is(e, "add_to_cart")).count());
        assertEquals(5, in.stream().filter(e -> is(e, "purchase")).count());
        assertEquals(
                0,
                new BigDecimal("350.00")
                        .compareTo(in.stream()
                                .filter(e -> is(e, "purchase"))
                                .map(FixtureEvent::price)
                                .reduce(BigDecimal.ZERO, BigDecimal::add)));
    }

    @Test
    void everyPanelIsCoveredHere() {
        assertEquals(
                List.of(
                        "Revenue, last 5 minutes",
                        "Active users and sessions, last 5 minutes",
                        "Conversion rates",
                        "Data freshness",
                        "Events per second",
                        "Events by type",
                        "Conversion funnel",
                        "Revenue per minute",
                        "Top products by views",
                        "Top products by revenue",
                        "Ingest latency (stored - event time)",
                        "Checkout by segment",
                        "Dead letters per minute by reason class",
                        "Latest dead letters",
                        "Sessions: bounce, cart abandonment, order value", // SessionsIT
                        "Funnel by segment (sessions)", // SessionsIT
                        "Top entry products (sessions)"), // SessionsIT
                new ArrayList<>(panels.keySet()));
    }

    @Test
    void revenueOfTheLastFiveMinutes() {
        BigDecimal expected = where(e -> is(e, "purchase") && lastFiveMinutes(e)).stream()
                .map(FixtureEvent::price)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        assertDecimal(new BigDecimal("130.00"), expected.toPlainString(), "hand count: the purchase of minute 12");
        assertDecimal(expected, panel("Revenue, last 5 minutes").get(0).get("revenue"), "revenue");
    }

    @Test
    void activeUsersAndSessionsOfTheLastFiveMinutes() {
        List<FixtureEvent> recent = where(DashboardQueriesIT::lastFiveMinutes);
        Map<String, String> row =
                panel("Active users and sessions, last 5 minutes").get(0);
        assertEquals(
                recent.stream().map(FixtureEvent::userId).distinct().count(), Long.parseLong(row.get("active_users")));
        assertEquals(
                recent.stream().map(FixtureEvent::sessionId).distinct().count(),
                Long.parseLong(row.get("active_sessions")));
    }

    @Test
    void funnelAndConversionRates() {
        double views = 150;
        double carts = 30;
        double purchases = 5;
        Map<String, String> funnel = panel("Conversion funnel").get(0);
        assertEquals("150", funnel.get("views"));
        assertEquals("30", funnel.get("carts"));
        assertEquals("5", funnel.get("purchases"));
        Map<String, String> rates = panel("Conversion rates").get(0);
        assertNumber(100 * carts / views, rates.get("view_to_cart_pct"), "view to cart %");
        assertNumber(100 * purchases / carts, rates.get("cart_to_purchase_pct"), "cart to purchase %");
        assertNumber(100 * purchases / views, rates.get("view_to_purchase_pct"), "view to purchase %");
    }

    @Test
    void eventsPerSecondPerIntervalAndType() {
        Map<String, Double> expected = new TreeMap<>();
        for (FixtureEvent e : where(e -> inRange(e.timestamp()))) {
            long bucket = e.timestamp().getEpochSecond() / INTERVAL_SECONDS * INTERVAL_SECONDS;
            expected.merge(Instant.ofEpochSecond(bucket) + " " + e.type(), 1.0 / INTERVAL_SECONDS, Double::sum);
        }
        Map<String, Double> actual = new TreeMap<>();
        for (Map<String, String> row : panel("Events per second")) {
            actual.put(
                    Instant.parse(row.get("time").replace(" ", "T") + "Z") + " " + row.get("event_type"),
                    Double.parseDouble(row.get("events_per_second")));
        }
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((key, eps) -> assertEquals(eps, actual.get(key), 1e-9, key));
        assertEquals(10.0 / 60, actual.get("2026-11-25T10:07:00Z page_view"), 1e-9, "hand count: 10 views a minute");
    }

    @Test
    void eventsByType() {
        Map<String, Long> expected = where(e -> inRange(e.minute())).stream()
                .collect(groupingBy(FixtureEvent::type, TreeMap::new, counting()));
        Map<String, Long> actual = new TreeMap<>();
        panel("Events by type").forEach(r -> actual.put(r.get("event_type"), Long.parseLong(r.get("events"))));
        assertEquals(expected, actual);
    }

    @Test
    void revenuePerMinute() {
        Map<Instant, BigDecimal> expected = new TreeMap<>();
        where(e -> is(e, "purchase") && inRange(e.minute()))
                .forEach(e -> expected.merge(e.minute(), e.price(), BigDecimal::add));
        List<Map<String, String>> rows = panel("Revenue per minute");
        assertEquals(expected.size(), rows.size());
        for (Map<String, String> row : rows) {
            Instant minute = Instant.parse(row.get("time").replace(" ", "T") + "Z");
            assertDecimal(expected.get(minute), row.get("revenue"), "revenue of " + minute);
        }
        assertEquals(5, rows.size(), "hand count: purchases in minutes 0, 3, 6, 9, 12");
    }

    @Test
    void topProductsByViewsAndByRevenue() {
        Map<String, Long> views = where(e -> is(e, "page_view") && inRange(e.minute())).stream()
                .collect(groupingBy(FixtureEvent::productId, counting()));
        List<String> expectedByViews = views.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + "=" + e.getValue())
                .limit(10)
                .toList();
        assertEquals(
                expectedByViews,
                panel("Top products by views").stream()
                        .map(r -> r.get("product_id") + "=" + r.get("views"))
                        .toList());

        Map<String, BigDecimal> revenue = new LinkedHashMap<>();
        where(e -> is(e, "purchase") && inRange(e.minute()))
                .forEach(e -> revenue.merge(e.productId(), e.price(), BigDecimal::add));
        List<String> expectedByRevenue = revenue.entrySet().stream()
                .sorted(Map.Entry.<String, BigDecimal>comparingByValue()
                        .reversed()
                        .thenComparing(Map.Entry.comparingByKey()))
                .map(e -> e.getKey() + "=" + e.getValue().stripTrailingZeros().toPlainString())
                .toList();
        assertEquals(List.of("prod_1=210", "prod_2=140"), expectedByRevenue, "hand count: 10+70+130 and 40+100");
        assertEquals(
                expectedByRevenue,
                panel("Top products by revenue").stream()
                        .map(r -> r.get("product_id") + "="
                                + new BigDecimal(r.get("revenue"))
                                        .stripTrailingZeros()
                                        .toPlainString())
                        .toList());
        assertEquals("category_a", panel("Top products by revenue").get(0).get("category"));
    }

    @Test
    void ingestLatencyPercentilesPerInterval() {
        Map<Instant, List<Long>> latencies = new TreeMap<>();
        for (FixtureEvent e :
                where(e -> inRange(e.ingestedAt()) && !e.timestamp().isBefore(FROM.minusSeconds(3600)))) {
            Instant bucket =
                    Instant.ofEpochSecond(e.ingestedAt().getEpochSecond() / INTERVAL_SECONDS * INTERVAL_SECONDS);
            latencies.computeIfAbsent(bucket, b -> new ArrayList<>()).add(e.latencyMillis());
        }
        List<Map<String, String>> rows = panel("Ingest latency (stored - event time)");
        assertEquals(latencies.size(), rows.size());
        for (Map<String, String> row : rows) {
            List<Long> sorted = latencies.get(Instant.parse(row.get("time").replace(" ", "T") + "Z")).stream()
                    .sorted()
                    .toList();
            // quantileExact(level) is the element at floor(level × n) of the sorted values.
            assertNumber(
                    sorted.get((int) (0.5 * sorted.size())) / 1000.0, row.get("p50_seconds"), "p50 " + row.get("time"));
            assertNumber(
                    sorted.get(Math.min(sorted.size() - 1, (int) (0.99 * sorted.size()))) / 1000.0,
                    row.get("p99_seconds"),
                    "p99 " + row.get("time"));
        }
    }

    @Test
    void deadLettersPerMinuteByReasonClassCountARetriedLetterOnce() {
        Map<String, String> perMinute = new TreeMap<>();
        for (Map<String, String> row : panel("Dead letters per minute by reason class")) {
            perMinute.put(row.get("time") + " " + row.get("reason_class"), row.get("dead_letters_per_minute"));
        }
        // hand count from loadDeadLetters(); a 60 s interval: per minute = the count
        assertEquals(
                Map.of(
                        "2026-11-25 10:02:00 malformed", "2",
                        "2026-11-25 10:02:00 missing_field", "1",
                        "2026-11-25 10:05:00 rejected_by_clickhouse", "1",
                        "2026-11-25 10:11:00 invalid_value", "1"),
                perMinute);
    }

    @Test
    void latestDeadLettersNewestFirstWithReasonAndReadablePayload() {
        List<Map<String, String>> rows = panel("Latest dead letters");
        assertEquals(
                List.of("30", "20", "13", "12", "11"),
                rows.stream().map(r -> r.get("source_offset")).toList(),
                "5 in range, newest first, the retried one once");
        assertEquals("invalid_value", rows.get(0).get("reason_class"));
        assertEquals("price: must be >= 0, got -1", rows.get(0).get("reason"));
        assertEquals("{\"\uFFFD(\"}", rows.get(0).get("payload_start"), "invalid UTF-8 shown, not failing the panel");
        assertEquals("6", rows.get(0).get("payload_bytes"));
        assertEquals("rejected by ClickHouse: VIOLATED_CONSTRAINT", rows.get(1).get("reason"));
    }

    @Test
    void checkoutBySegmentShowsWhichSegmentDoesNotBuy() {
        record Segment(String device, String os, String browser) {}
        Map<Segment, long[]> expected = new LinkedHashMap<>();
        for (FixtureEvent e : where(e -> inRange(e.minute()))) {
            long[] counts = expected.computeIfAbsent(new Segment(e.device(), e.os(), e.browser()), s -> new long[2]);
            counts[0] += is(e, "add_to_cart") ? 1 : 0;
            counts[1] += is(e, "purchase") ? 1 : 0;
        }
        List<Map<String, String>> rows = panel("Checkout by segment");
        assertEquals(expected.size(), rows.size());
        for (Map<String, String> row : rows) {
            long[] counts = expected.get(new Segment(row.get("device"), row.get("os"), row.get("browser")));
            assertEquals(counts[0], Long.parseLong(row.get("carts")), row.toString());
            assertEquals(counts[1], Long.parseLong(row.get("purchases")), row.toString());
        }
        Map<String, String> safari = rows.stream()
                .filter(r -> r.get("browser").equals("Safari"))
                .findFirst()
                .orElseThrow();
        assertEquals("15", safari.get("carts"));
        assertEquals("0", safari.get("purchases"), "hand count: Safari never buys in the fixture");
        assertEquals("0", safari.get("cart_to_purchase_pct"));

        String sql = GrafanaMacros.expand(
                        panels.get("Checkout by segment"),
                        FROM,
                        TO,
                        INTERVAL_SECONDS,
                        Map.of("browser", List.of("Chrome")))
                .replace("clickstream.", database + ".");
        List<Map<String, String>> chromeOnly = clickHouse.queryRows(sql);
        assertEquals(
                List.of("Chrome"),
                chromeOnly.stream().map(r -> r.get("browser")).toList(),
                "the Browser selector");
        assertEquals("15", chromeOnly.get(0).get("carts"));
    }

    /**
     * Freshness is the time since the newest row was stored (ingested_at), not since the newest
     * event time: a replay of 2019 stored 3 s ago is 3 s fresh, and a live event stored 100 s ago
     * does not make it older. Read from the table's projection, whatever the table's size.
     */
    @Test
    void dataFreshnessIsNowMinusTheNewestStoredRow() {
        String fresh = Schema.apply(clickHouse, "fresh_" + Long.toHexString(System.nanoTime()));
        Instant storedLast = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(3);
        Instant liveEvent = Instant.now().truncatedTo(ChronoUnit.MILLIS).minusSeconds(101);
        FixtureEvent e = EVENTS.get(0);
        clickHouse.execute(FixtureEvent.insertInto(
                fresh,
                List.of(
                        e.at(Instant.parse("2019-10-01T10:00:00Z"), storedLast),
                        e.at(liveEvent, liveEvent.plusSeconds(1)))));
        String sql = GrafanaMacros.expand(panels.get("Data freshness"), FROM, TO, INTERVAL_SECONDS)
                .replace("clickstream.", fresh + ".");
        double freshness = Double.parseDouble(clickHouse.queryRows(sql).get(0).get("freshness_seconds"));
        double expected = (Instant.now().toEpochMilli() - storedLast.toEpochMilli()) / 1000.0;
        assertTrue(
                freshness >= 3 && freshness <= expected + 0.5,
                "freshness " + freshness + " s, expected about " + expected);
        // ClickHouse refuses the query if it cannot answer it from the projection
        clickHouse.queryRows(sql + "\nSETTINGS force_optimize_projection = 1");
        String empty = Schema.apply(clickHouse, "empty_" + Long.toHexString(System.nanoTime()));
        assertEquals(
                "\\N",
                clickHouse
                        .queryRows(sql.replace(fresh + ".", empty + "."))
                        .get(0)
                        .get("freshness_seconds"),
                "no data: no number, rather than a made-up one");
    }

    @Test
    void rollupsAgreeWithTheRawTable() {
        String raw = database + ".events";
        assertEquals(
                clickHouse.query("SELECT toStartOfMinute(timestamp) AS m, event_type, count(), sum(price),"
                        + " uniq(user_id), uniq(session_id) FROM " + raw
                        + " GROUP BY m, event_type ORDER BY m, event_type"),
                clickHouse.query(
                        "SELECT minute, event_type, sum(events), sum(revenue), uniqMerge(users), uniqMerge(sessions)"
                                + " FROM " + database
                                + ".events_per_minute GROUP BY minute, event_type ORDER BY minute, event_type"));
        assertEquals(
                clickHouse.query("SELECT toStartOfMinute(timestamp) AS m, product_id, category, event_type, count(),"
                        + " sum(price) FROM " + raw + " GROUP BY m, product_id, category, event_type"
                        + " ORDER BY m, product_id, category, event_type"),
                clickHouse.query("SELECT minute, product_id, category, event_type, sum(events), sum(revenue) FROM "
                        + database + ".product_minute GROUP BY minute, product_id, category, event_type"
                        + " ORDER BY minute, product_id, category, event_type"));
        assertEquals(
                clickHouse.query("SELECT toStartOfMinute(timestamp) AS m, device, browser, os, event_type, count(),"
                        + " sum(price) FROM " + raw + " GROUP BY m, device, browser, os, event_type"
                        + " ORDER BY m, device, browser, os, event_type"),
                clickHouse.query("SELECT minute, device, browser, os, event_type, sum(events), sum(revenue) FROM "
                        + database + ".segment_minute GROUP BY minute, device, browser, os, event_type"
                        + " ORDER BY minute, device, browser, os, event_type"));
        assertEquals(EVENTS.size(), clickHouse.queryLong("SELECT count() FROM " + raw));
    }

    @Test
    void rollupsStayCorrectAcrossSeveralInsertsOfTheSameMinute() {
        String db = Schema.apply(clickHouse, "parts_" + Long.toHexString(System.nanoTime()));
        List<FixtureEvent> sorted = EVENTS.stream()
                .sorted(Comparator.comparing(FixtureEvent::timestamp))
                .toList();
        for (int i = 0; i < sorted.size(); i += 7) { // many small inserts: one minute lands in several parts
            clickHouse.execute(FixtureEvent.insertInto(db, sorted.subList(i, Math.min(sorted.size(), i + 7))));
        }
        assertEquals(
                clickHouse.query("SELECT event_type, count(), sum(price), uniqExact(user_id) FROM " + db
                        + ".events GROUP BY event_type ORDER BY event_type"),
                clickHouse.query("SELECT event_type, sum(events), sum(revenue), uniqMerge(users) FROM " + db
                        + ".events_per_minute GROUP BY event_type ORDER BY event_type"));
        assertEquals(
                EVENTS.stream().map(FixtureEvent::type).distinct().count(),
                clickHouse
                        .queryRows("SELECT event_type FROM " + db + ".events_per_minute GROUP BY event_type")
                        .size());
    }
}
