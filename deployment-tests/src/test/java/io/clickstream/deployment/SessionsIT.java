package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.producer.simulation.BackfillSource;
import io.clickstream.producer.simulation.SimulationOptions;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sessions rollup and the two session panels of the live dashboard, against sessions
 * computed directly from the raw events ({@link SessionModel}): first on a hand-counted
 * fixture, then on simulated traffic stored in hundreds of small inserts in shuffled order, so
 * nearly every session arrives in pieces and late.
 */
@ExtendWith(RealServices.class)
class SessionsIT {
    private static final String SUMMARY = "Sessions: bounce, cart abandonment, order value";
    private static final String FUNNEL = "Funnel by segment (sessions)";
    private static final String ENTRIES = "Top entry products (sessions)";
    private static final String SAFARI = "mobile/Safari/iOS";
    private static final String CHROME = "desktop/Chrome/Windows";

    private static List<Map<String, String>> panel(
            ClickHouseService ch, String db, String title, Instant from, Instant to) {
        return panel(ch, db, title, from, to, Map.of());
    }

    /** A panel's query as Grafana runs it, with the dashboard's variables set to {@code selected} (absent: All). */
    private static List<Map<String, String>> panel(
            ClickHouseService ch,
            String db,
            String title,
            Instant from,
            Instant to,
            Map<String, List<String>> selected) {
        return panel(ch, db, title, from, to, selected, "UTC");
    }

    /** The same, on a connection whose session timezone is {@code timeZone} (a server set to another zone). */
    private static List<Map<String, String>> panel(
            ClickHouseService ch,
            String db,
            String title,
            Instant from,
            Instant to,
            Map<String, List<String>> selected,
            String timeZone) {
        String sql = Provisioning.panelQueries().get(title);
        assertTrue(sql != null, "no panel " + title);
        return PanelQuery.rows(ch, db, sql, from, to, selected, timeZone);
    }

    private static FixtureEvent event(
            String session, String type, String product, String price, String time, String segment) {
        return eventAt(session, type, product, price, Instant.parse("2019-10-25T" + time + "Z"), segment);
    }

    private static FixtureEvent eventAt(
            String session, String type, String product, String price, Instant at, String segment) {
        String[] s = segment.split("/");
        return new FixtureEvent(
                type,
                "user_" + session,
                session,
                product,
                "cat",
                new BigDecimal(price),
                at,
                at.plusSeconds(1),
                s[0],
                s[2],
                s[1]);
    }

    /** Every event in an insert of its own, in an order that stores some after events that followed them. */
    private static void insertOneByOne(ClickHouseService ch, String db, List<FixtureEvent> events, long seed) {
        List<FixtureEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(seed));
        for (FixtureEvent e : shuffled) {
            ch.execute(FixtureEvent.insertInto(db, List.of(e)));
        }
    }

    private static void assertNumber(Double expected, String actual, double tolerance, String what) {
        if (expected == null) {
            assertTrue(actual == null || actual.equals("\\N") || actual.isEmpty(), what + ": " + actual);
            return;
        }
        assertEquals(expected, Double.parseDouble(actual), tolerance, what);
    }

    private static void assertSummary(SessionModel.Summary expected, Map<String, String> row) {
        assertEquals(Long.toString(expected.sessions()), row.get("sessions"), "sessions");
        assertNumber(expected.bounceRatePct(), row.get("bounce_rate_pct"), 0.051, "bounce rate");
        assertNumber(expected.abandonmentPct(), row.get("cart_abandonment_pct"), 0.051, "cart abandonment");
        assertEquals(
                0,
                expected.abandonedValue().compareTo(new BigDecimal(row.get("abandoned_cart_value"))),
                "abandoned value " + row);
        assertNumber(expected.aov(), row.get("average_order_value"), 0.0051, "average order value");
    }

    private static Map<String, long[]> funnelRows(List<Map<String, String>> rows) {
        Map<String, long[]> bySegment = new TreeMap<>();
        for (Map<String, String> r : rows) {
            bySegment.put(r.get("device") + "/" + r.get("browser") + "/" + r.get("os"), new long[] {
                Long.parseLong(r.get("viewed")), Long.parseLong(r.get("carted")), Long.parseLong(r.get("purchased"))
            });
        }
        return bySegment;
    }

    private static void assertFunnel(Map<String, long[]> expected, Map<String, long[]> actual) {
        assertEquals(expected.keySet(), actual.keySet());
        expected.forEach((segment, counts) -> assertEquals(
                List.of(counts[0], counts[1], counts[2]),
                List.of(actual.get(segment)[0], actual.get(segment)[1], actual.get(segment)[2]),
                segment + ": viewed, carted, purchased"));
    }

    @Test
    void handCountedSessionsArrivingOneEventPerInsertInShuffledOrder(ClickHouseService ch) {
        List<FixtureEvent> events = List.of(
                // s1: view, cart, purchase of 40.00: the whole funnel
                event("s1", "page_view", "p1", "40.00", "10:01:00", SAFARI),
                event("s1", "add_to_cart", "p1", "40.00", "10:01:30", SAFARI),
                event("s1", "purchase", "p1", "40.00", "10:02:00", SAFARI),
                // s2: one page view: a bounce
                event("s2", "page_view", "p2", "5.00", "10:03:00", SAFARI),
                // s3: two views and a cart of 25.00, no purchase: abandoned
                event("s3", "page_view", "p2", "25.00", "10:04:00", CHROME),
                event("s3", "page_view", "p2", "25.00", "10:04:30", CHROME),
                event("s3", "add_to_cart", "p2", "25.00", "10:05:00", CHROME),
                // s4: two carts (10 + 15), one purchase of 10.00: not abandoned
                event("s4", "page_view", "p3", "10.00", "10:06:00", CHROME),
                event("s4", "add_to_cart", "p3", "10.00", "10:06:20", CHROME),
                event("s4", "add_to_cart", "p4", "15.00", "10:06:40", CHROME),
                event("s4", "purchase", "p3", "10.00", "10:07:00", CHROME),
                // s5: a cart and a purchase of 30.00 without a page view: funnel level 0
                event("s5", "add_to_cart", "p5", "30.00", "10:08:00", CHROME),
                event("s5", "purchase", "p5", "30.00", "10:08:30", CHROME),
                // s6: a view, then a cart of 12.00 41 minutes later (outside the funnel window): level 1, abandoned
                event("s6", "page_view", "p6", "12.00", "10:09:00", SAFARI),
                event("s6", "add_to_cart", "p6", "12.00", "10:50:00", SAFARI),
                // s8: a cart of 20.00 taken out again, nothing bought: a cart, but none abandoned
                event("s8", "page_view", "p8", "20.00", "10:10:00", CHROME),
                event("s8", "add_to_cart", "p8", "20.00", "10:10:30", CHROME),
                event("s8", "remove_from_cart", "p8", "20.00", "10:11:00", CHROME),
                // s7: started before the range: not counted
                event("s7", "page_view", "p7", "9.00", "09:55:00", SAFARI),
                event("s7", "purchase", "p7", "9.00", "10:01:00", SAFARI));
        String db = Schema.apply(ch, "sessions_" + Long.toHexString(System.nanoTime()));
        insertOneByOne(ch, db, events, 1);
        Instant from = Instant.parse("2019-10-25T10:00:00Z");
        Instant to = Instant.parse("2019-10-25T10:15:00Z");

        Map<String, String> summary = panel(ch, db, SUMMARY, from, to).get(0);
        // hand count: sessions s1..s6 and s8; bounce s2 (1/7); carts in s1, s3, s4, s5, s6, s8,
        // abandoned s3 and s6 (2/6; s8 emptied its cart) holding 25 + 12; revenue 40 + 10 + 30 over
        // 3 purchases
        assertEquals("7", summary.get("sessions"));
        assertEquals("14.3", summary.get("bounce_rate_pct"));
        assertEquals("33.3", summary.get("cart_abandonment_pct"));
        assertEquals(0, new BigDecimal("37.00").compareTo(new BigDecimal(summary.get("abandoned_cart_value"))));
        assertEquals("26.67", summary.get("average_order_value"));
        assertSummary(SessionModel.summary(SessionModel.startedIn(SessionModel.sessions(events), from, to)), summary);

        Map<String, long[]> funnel = funnelRows(panel(ch, db, FUNNEL, from, to));
        // Safari: s1 (3), s2 (1), s6 (1); Chrome: s3 (2), s4 (3), s5 (0), s8 (2)
        assertFunnel(Map.of(SAFARI, new long[] {3, 1, 1}, CHROME, new long[] {3, 3, 1}), funnel);
        List<Map<String, String>> rows = panel(ch, db, FUNNEL, from, to);
        Map<String, String> chrome = rows.stream()
                .filter(r -> r.get("browser").equals("Chrome"))
                .findFirst()
                .orElseThrow();
        assertEquals("100", chrome.get("view_to_cart_pct"));
        assertEquals("33.3", chrome.get("cart_to_purchase_pct"));

        // Entry products: s1 p1, s2 p2, s3 p2, s4 p3, s5 p5, s6 p6, s8 p8 (s7 started before the range);
        // p2 leads with two sessions, neither bought; p1 (s1) bought 40.00
        List<Map<String, String>> entries = panel(ch, db, ENTRIES, from, to);
        assertEquals(
                List.of("p2", "p1", "p3", "p5", "p6", "p8"),
                entries.stream().map(r -> r.get("entry_product")).toList());
        assertEquals(
                List.of("2", "0", "0"),
                List.of(
                        entries.get(0).get("sessions"),
                        entries.get(0).get("converted"),
                        entries.get(0).get("conversion_pct")));
        assertEquals(
                0, new BigDecimal("40").compareTo(new BigDecimal(entries.get(1).get("revenue"))));

        // The Browser selector at Safari: s1, s2 and s6 only
        Map<String, List<String>> safari = Map.of("browser", List.of("Safari"));
        Map<String, String> safariSummary =
                panel(ch, db, SUMMARY, from, to, safari).get(0);
        assertEquals("3", safariSummary.get("sessions"));
        assertEquals("33.3", safariSummary.get("bounce_rate_pct"), "s2 of 3");
        assertEquals("50", safariSummary.get("cart_abandonment_pct"), "s6 of s1 and s6");
        assertEquals("40", safariSummary.get("average_order_value"));
        assertFunnel(Map.of(SAFARI, new long[] {3, 1, 1}), funnelRows(panel(ch, db, FUNNEL, from, to, safari)));

        assertEquals(
                8,
                ch.queryLong("SELECT count() FROM (SELECT session_id FROM " + db + ".sessions GROUP BY session_id)"),
                "s1 to s8, each once however many inserts it came in");

        // A server in another timezone: 10:00-10:15 UTC is 23:00-23:15 of the day before in
        // Pago Pago (UTC-11); the panels read the same UTC days and show the same figures.
        for (String title : List.of(SUMMARY, FUNNEL, ENTRIES)) {
            assertEquals(
                    panel(ch, db, title, from, to),
                    panel(ch, db, title, from, to, Map.of(), "Pacific/Pago_Pago"),
                    title + " with session_timezone Pacific/Pago_Pago");
        }

        // An empty range: 0 sessions, and rates without a denominator are NULL (Grafana: no
        // value), never nan.
        Map<String, String> empty = panel(ch, db, SUMMARY, from.plus(Duration.ofDays(1)), to.plus(Duration.ofDays(1)))
                .get(0);
        assertEquals("0", empty.get("sessions"));
        for (Map.Entry<String, String> cell : empty.entrySet()) {
            assertTrue(
                    !cell.getValue().equalsIgnoreCase("nan") && !cell.getValue().contains("inf"),
                    "empty range: " + empty);
        }
        assertEquals("\\N", empty.get("bounce_rate_pct"), "no sessions, no bounce rate: " + empty);
    }

    /**
     * Sessions that start before the range's last UTC midnight and go on after it keep their later
     * events (the sessions rollup holds them in the next day's rows), and a cart is abandoned by
     * its items, not its money. Hand count, range 23:30 to 23:59:59 on the 25th: m1 (view, cart of
     * 50.00, the purchase at 00:01 on the 26th): bought; m2 (view, cart of 20.00): abandoned; m3
     * (a view at 23:59:59, a cart of 50.00 at 00:00:30 and that item taken out at a price of 45.00
     * at 00:00:50): not abandoned, its one item is out of the cart. So 3 sessions, 1 of 3 carts
     * abandoned holding 20.00, one order of 50.00. Read without the day after, m1 lost its
     * purchase and m3 its cart: 100% abandoned, nothing bought; compared by money, m3 was an
     * abandoned cart worth 5.00.
     */
    @Test
    void sessionsGoingOnPastTheRangesLastMidnightKeepTheirLaterEventsAndCartsCountItems(ClickHouseService ch) {
        Instant day = Instant.parse("2019-10-25T00:00:00Z");
        Instant next = day.plus(Duration.ofDays(1));
        List<FixtureEvent> events = List.of(
                eventAt("m1", "page_view", "p1", "50.00", day.plus(Duration.parse("PT23H45M")), CHROME),
                eventAt("m1", "add_to_cart", "p1", "50.00", day.plus(Duration.parse("PT23H50M")), CHROME),
                eventAt("m1", "purchase", "p1", "50.00", next.plus(Duration.ofMinutes(1)), CHROME),
                eventAt("m2", "page_view", "p2", "20.00", day.plus(Duration.parse("PT23H55M")), CHROME),
                eventAt("m2", "add_to_cart", "p2", "20.00", day.plus(Duration.parse("PT23H58M")), CHROME),
                eventAt("m3", "page_view", "p3", "50.00", day.plus(Duration.parse("PT23H59M59S")), CHROME),
                eventAt("m3", "add_to_cart", "p3", "50.00", next.plus(Duration.ofSeconds(30)), CHROME),
                eventAt("m3", "remove_from_cart", "p3", "45.00", next.plus(Duration.ofSeconds(50)), CHROME));
        String db = Schema.apply(ch, "sessions_midnight_" + Long.toHexString(System.nanoTime()));
        insertOneByOne(ch, db, events, 26);
        Instant from = day.plus(Duration.parse("PT23H30M"));
        Instant to = day.plus(Duration.parse("PT23H59M59S"));

        Map<String, String> summary = panel(ch, db, SUMMARY, from, to).get(0);
        assertEquals("3", summary.get("sessions"));
        assertEquals("0", summary.get("bounce_rate_pct"));
        assertEquals("33.3", summary.get("cart_abandonment_pct"), "m2 of m1, m2 and m3: " + summary);
        assertEquals(0, new BigDecimal("20.00").compareTo(new BigDecimal(summary.get("abandoned_cart_value"))));
        assertEquals("50", summary.get("average_order_value"));
        assertSummary(SessionModel.summary(SessionModel.startedIn(SessionModel.sessions(events), from, to)), summary);
        // m1 reached the purchase after midnight; m2 and m3 a cart
        assertFunnel(Map.of(CHROME, new long[] {3, 3, 1}), funnelRows(panel(ch, db, FUNNEL, from, to)));
    }

    /**
     * A session active for 50 hours (an event every 20 minutes, from 23 October 10:00) is one
     * session that started on the 23rd: the 25th from midnight does not count it, though its
     * rows of that day start at midnight too (the day before the range holds its earlier start),
     * nor as a bounce or with that day's first product as its entry; a range around its first
     * event does, with its first product.
     */
    @Test
    void aSessionLongerThanADayIsCountedWhereItStarted(ClickHouseService ch) {
        Instant first = Instant.parse("2019-10-23T10:00:00Z");
        List<FixtureEvent> events = new ArrayList<>();
        for (int i = 0; i <= 150; i++) {
            Instant at = first.plus(Duration.ofMinutes(20L * i));
            events.add(new FixtureEvent(
                    "page_view",
                    "user_long",
                    "long",
                    i == 0 ? "p-first" : "p-later",
                    "cat",
                    new BigDecimal("3.00"),
                    at,
                    at.plusSeconds(1),
                    "mobile",
                    "iOS",
                    "Safari"));
        }
        Instant freshAt = Instant.parse("2019-10-25T11:05:00Z");
        events.add(new FixtureEvent(
                "page_view",
                "user_fresh",
                "fresh",
                "p-fresh",
                "cat",
                new BigDecimal("3.00"),
                freshAt,
                freshAt.plusSeconds(1),
                "mobile",
                "iOS",
                "Safari"));
        String db = Schema.apply(ch, "sessions_long_" + Long.toHexString(System.nanoTime()));
        List<FixtureEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(25));
        for (int i = 0; i < shuffled.size(); i += 40) {
            ch.execute(FixtureEvent.insertInto(db, shuffled.subList(i, Math.min(i + 40, shuffled.size()))));
        }

        Instant from = Instant.parse("2019-10-25T00:00:00Z"); // its rows of the 25th start at midnight too
        Instant to = Instant.parse("2019-10-25T12:15:00Z");
        Map<String, String> summary = panel(ch, db, SUMMARY, from, to, Map.of()).get(0);
        assertEquals("1", summary.get("sessions"), "only 'fresh' started on the 25th: " + summary);
        assertEquals("100", summary.get("bounce_rate_pct"), "'fresh' is one page view: " + summary);
        assertEquals(
                List.of("p-fresh"),
                panel(ch, db, ENTRIES, from, to, Map.of()).stream()
                        .map(r -> r.get("entry_product"))
                        .toList());

        Instant start = first.minus(Duration.ofMinutes(30));
        Instant end = first.plus(Duration.ofMinutes(30));
        Map<String, String> started =
                panel(ch, db, SUMMARY, start, end, Map.of()).get(0);
        assertEquals("1", started.get("sessions"), started.toString());
        assertEquals("0", started.get("bounce_rate_pct"), "151 page views are no bounce: " + started);
        assertEquals(
                List.of("p-first"),
                panel(ch, db, ENTRIES, start, end, Map.of()).stream()
                        .map(r -> r.get("entry_product"))
                        .toList());
    }

    @Test
    void simulatedTrafficInHundredsOfShuffledInsertsMatchesTheRawEvents(ClickHouseService ch) {
        Instant end = Instant.parse("2019-10-25T12:00:00Z");
        BackfillSource source = new BackfillSource(SimulationOptions.defaults(21), 40, Duration.ofMinutes(20), end);
        List<FixtureEvent> events = new ArrayList<>();
        while (source.nextDueNanos() >= 0) {
            ClickEvent e = source.take(end);
            events.add(new FixtureEvent(
                    e.eventType().wireName(),
                    e.userId(),
                    e.sessionId(),
                    e.productId(),
                    e.category(),
                    e.price(),
                    e.timestamp(),
                    e.timestamp().plusSeconds(1),
                    e.device(),
                    e.os(),
                    e.browser()));
        }
        String db = Schema.apply(ch, "sessions_sim_" + Long.toHexString(System.nanoTime()));
        List<FixtureEvent> shuffled = new ArrayList<>(events);
        Collections.shuffle(shuffled, new Random(22));
        int inserts = 0;
        for (int i = 0; i < shuffled.size(); i += 200, inserts++) {
            ch.execute(FixtureEvent.insertInto(db, shuffled.subList(i, Math.min(i + 200, shuffled.size()))));
        }
        Map<String, SessionModel.Session> sessions = SessionModel.sessions(events);
        for (Instant[] range : new Instant[][] {
            {end.minus(Duration.ofMinutes(20)), end},
            {end.minus(Duration.ofMinutes(15)), end.minus(Duration.ofMinutes(5))}
        }) {
            List<SessionModel.Session> started = SessionModel.startedIn(sessions, range[0], range[1]);
            assertSummary(
                    SessionModel.summary(started),
                    panel(ch, db, SUMMARY, range[0], range[1]).get(0));
            assertFunnel(SessionModel.funnelBySegment(started), funnelRows(panel(ch, db, FUNNEL, range[0], range[1])));
        }
        System.out.printf(
                "[SessionsIT] %,d simulated events in %d shuffled inserts: %,d sessions, rollup and raw agree%n",
                events.size(), inserts, sessions.size());
    }
}
