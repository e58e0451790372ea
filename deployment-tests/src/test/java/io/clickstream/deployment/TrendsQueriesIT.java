package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every panel of the trends dashboard, as Grafana would run it, over four days of fixture
 * events (stored in one insert per day, the rollups filled by the views), against the same
 * figures computed here from the fixture rows, for three ranges: two whole days (the first and
 * last fixture day must not be counted), one that starts and ends mid-day (its partial days
 * count only their own minutes), and a few hours inside one day. Then all of it again on a
 * connection in another timezone.
 */
@ExtendWith(RealServices.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrendsQueriesIT {
    /** A dashboard time range, as Grafana hands it to the data source. */
    private record Range(String name, Instant from, Instant to) {
        boolean contains(Instant t) {
            // $__timeFilter(minute): a row of the minute rollups is in when its minute is
            return !t.truncatedTo(ChronoUnit.MINUTES).isBefore(from)
                    && !t.truncatedTo(ChronoUnit.MINUTES).isAfter(to);
        }

        @Override
        public String toString() {
            return name + " (" + from + " to " + to + ")";
        }
    }

    private static final Range WHOLE_DAYS =
            new Range("two whole days", Instant.parse("2019-10-21T00:00:00Z"), Instant.parse("2019-10-22T23:59:59Z"));
    private static final List<Range> RANGES = List.of(
            WHOLE_DAYS,
            new Range(
                    "mid-day to mid-day", Instant.parse("2019-10-20T09:30:00Z"), Instant.parse("2019-10-22T16:45:00Z")),
            new Range(
                    "hours of one day", Instant.parse("2019-10-21T05:30:00Z"), Instant.parse("2019-10-21T15:45:00Z")));
    private static final String[] CATEGORIES = {"apparel", "electronics", "toys"};
    private static final String[] BROWSERS = {"Chrome", "Safari"};

    private final List<FixtureEvent> events = fixture();
    private ClickHouseService ch;
    private String db;

    /**
     * Days 20–23 October 2019 (history: older than any retention); per day d (0–3) and category c (0–2): 10 + 5c + d page views, 3 + c
     * adds to cart, 1 + (d + c) mod 2 purchases at 10(c + 1) + d dollars; events every 7 hours
     * and some minutes, sessions s_d_c_(i mod 4), users u_(i mod 5), browsers alternating; and a day
     * at 13:00 a removal from the cart without a session (user u_server), which is no session.
     */
    private static List<FixtureEvent> fixture() {
        List<FixtureEvent> events = new ArrayList<>();
        for (int d = 0; d < 4; d++) {
            Instant day = Instant.parse("2019-10-20T00:00:00Z").plus(d, ChronoUnit.DAYS);
            for (int c = 0; c < CATEGORIES.length; c++) {
                int[] counts = {10 + 5 * c + d, 3 + c, 1 + (d + c) % 2};
                String[] types = {"page_view", "add_to_cart", "purchase"};
                for (int t = 0; t < types.length; t++) {
                    for (int i = 0; i < counts[t]; i++) {
                        Instant at = day.plus((i * 7L) % 24, ChronoUnit.HOURS).plus(11L * c + t, ChronoUnit.MINUTES);
                        BigDecimal price = BigDecimal.valueOf(10L * (c + 1) + d).setScale(2);
                        events.add(new FixtureEvent(
                                types[t],
                                "u_" + i % 5,
                                "s_" + d + "_" + c + "_" + i % 4,
                                "prod_" + c,
                                CATEGORIES[c],
                                price,
                                at,
                                at.plusSeconds(1),
                                "mobile",
                                "iOS",
                                BROWSERS[(i + t) % 2]));
                    }
                }
            }
            // one event without a session a day (a server-side sender): no session of its own
            Instant at = day.plus(13, ChronoUnit.HOURS);
            events.add(new FixtureEvent(
                    "remove_from_cart",
                    "u_server",
                    "",
                    "prod_0",
                    CATEGORIES[0],
                    BigDecimal.TEN.setScale(2),
                    at,
                    at.plusSeconds(1),
                    "desktop",
                    "Linux",
                    BROWSERS[0]));
        }
        return events;
    }

    @BeforeAll
    void load(ClickHouseService clickHouse) {
        this.ch = clickHouse;
        this.db = Schema.apply(ch, "trends_" + Long.toHexString(System.nanoTime()));
        for (int d = 0; d < 4; d++) {
            Instant day = Instant.parse("2019-10-20T00:00:00Z").plus(d, ChronoUnit.DAYS);
            List<FixtureEvent> ofDay = events.stream()
                    .filter(e -> e.timestamp().truncatedTo(ChronoUnit.DAYS).equals(day))
                    .toList();
            ch.execute(FixtureEvent.insertInto(db, ofDay));
        }
    }

    private List<Map<String, String>> panel(String title, Range range) {
        return panel(title, range, Map.of(), "UTC");
    }

    /**
     * A panel's query as Grafana runs it over {@code range}, the dashboard's variables set to
     * {@code selected} (absent: All), on a connection whose session timezone is {@code timeZone}.
     */
    private List<Map<String, String>> panel(
            String title, Range range, Map<String, List<String>> selected, String timeZone) {
        String sql = Provisioning.trendsPanelQueries().get(title);
        assertTrue(sql != null, "no trends panel titled '" + title + "'");
        return ch.queryRows(GrafanaMacros.expand(sql, range.from(), range.to(), 3600, selected)
                        .replace("clickstream.", db + ".")
                + "\nSETTINGS session_timezone = '" + timeZone + "'");
    }

    private List<FixtureEvent> inRange(Range range, Predicate<FixtureEvent> filter) {
        return events.stream()
                .filter(e -> range.contains(e.timestamp()))
                .filter(filter)
                .toList();
    }

    /** The fixture's events that a range's boundaries cut off must exist, or the ranges test nothing. */
    @Test
    void theRangesCutTheFixture() {
        for (Range range : RANGES.subList(1, RANGES.size())) {
            Instant dayStart = range.from().truncatedTo(ChronoUnit.DAYS);
            long cutOff = events.stream()
                    .filter(e ->
                            !e.timestamp().isBefore(dayStart) && e.timestamp().isBefore(range.from()))
                    .count();
            assertTrue(cutOff > 0, range + ": no event of its first day before it starts");
        }
    }

    private static String day(Instant t) {
        return t.truncatedTo(ChronoUnit.DAYS).toString().replace("T", " ").replace("Z", "");
    }

    private static BigDecimal revenue(List<FixtureEvent> purchases) {
        return purchases.stream().map(FixtureEvent::price).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    @Test
    void everyPanelIsCoveredHere() {
        assertEquals(
                List.of(
                        "Events per day by type",
                        "Revenue, orders and order value per day",
                        "Sessions, shoppers and orders per 100 sessions, per day",
                        "Events per hour",
                        "Category KPIs",
                        "Revenue per day by category",
                        "Checkout conversion per day by browser"),
                new ArrayList<>(Provisioning.trendsPanelQueries().keySet()));
    }

    /**
     * The Browser selectors list the browsers of the dashboard's range (Grafana runs a variable's
     * query with the range, refreshed when it changes: "refresh": 2), so history has its browsers.
     */
    @Test
    void theBrowserSelectorsListTheBrowsersOfTheRange() {
        for (boolean live : new boolean[] {true, false}) {
            String sql = Provisioning.variableQuery(live, "browser");
            List<String> browsers = ch
                    .queryRows(GrafanaMacros.expand(sql, WHOLE_DAYS.from(), WHOLE_DAYS.to(), 3600)
                            .replace("clickstream.", db + "."))
                    .stream()
                    .map(r -> r.get("browser"))
                    .toList();
            assertEquals(List.of("Chrome", "Safari"), browsers, (live ? "live" : "trends") + ": " + sql);
        }
    }

    @Test
    void eventsPerDayByType() {
        for (Range range : RANGES) {
            Map<String, Long> expected = inRange(range, e -> true).stream()
                    .collect(Collectors.groupingBy(
                            e -> day(e.timestamp()) + " " + e.type(), TreeMap::new, Collectors.counting()));
            Map<String, Long> actual = new TreeMap<>();
            panel("Events per day by type", range)
                    .forEach(r ->
                            actual.put(r.get("time") + " " + r.get("event_type"), Long.parseLong(r.get("events"))));
            assertEquals(expected, actual, range.toString());
            if (range == WHOLE_DAYS) {
                // hand count for 21 October (d = 1): views 11 + 16 + 21, carts 3 + 4 + 5, purchases 2 + 1 + 2
                assertEquals(48L, actual.get("2019-10-21 00:00:00 page_view"));
                assertEquals(5L, actual.get("2019-10-21 00:00:00 purchase"));
            }
        }
    }

    @Test
    void revenueOrdersAndOrderValuePerDay() {
        for (Range range : RANGES) {
            List<Map<String, String>> rows = panel("Revenue, orders and order value per day", range);
            assertEquals(
                    daysWith(range, e -> true),
                    rows.stream().map(r -> r.get("time")).toList(),
                    range.toString());
            for (Map<String, String> row : rows) {
                List<FixtureEvent> purchases = inRange(
                        range,
                        e -> e.type().equals("purchase") && day(e.timestamp()).equals(row.get("time")));
                String where = range + " " + row;
                assertEquals(0, revenue(purchases).compareTo(new BigDecimal(row.get("revenue"))), where);
                assertEquals(Integer.toString(purchases.size()), row.get("orders"), where);
                if (purchases.isEmpty()) {
                    assertEquals("\\N", row.get("average_order_value"), where);
                } else {
                    assertEquals(
                            revenue(purchases).doubleValue() / purchases.size(),
                            Double.parseDouble(row.get("average_order_value")),
                            0.0051,
                            where);
                }
            }
            if (range == WHOLE_DAYS) {
                // hand count for 21 October: 2 x 11 + 1 x 21 + 2 x 31 = 105 over 5 orders
                assertEquals(
                        0,
                        new BigDecimal("105")
                                .compareTo(new BigDecimal(rows.get(0).get("revenue"))));
                assertEquals(21.0, Double.parseDouble(rows.get(0).get("average_order_value")), 1e-9);
            }
        }
    }

    @Test
    void sessionsShoppersAndOrdersPer100SessionsPerDay() {
        for (Range range : RANGES) {
            List<Map<String, String>> rows = panel("Sessions, shoppers and orders per 100 sessions, per day", range);
            assertEquals(
                    daysWith(range, e -> true),
                    rows.stream().map(r -> r.get("time")).toList(),
                    range.toString());
            for (Map<String, String> row : rows) {
                List<FixtureEvent> ofDay =
                        inRange(range, e -> day(e.timestamp()).equals(row.get("time")));
                long sessions = ofDay.stream()
                        .map(FixtureEvent::sessionId)
                        .filter(id -> !id.isEmpty())
                        .distinct()
                        .count();
                long shoppers =
                        ofDay.stream().map(FixtureEvent::userId).distinct().count();
                long orders =
                        ofDay.stream().filter(e -> e.type().equals("purchase")).count();
                String where = range + " " + row;
                if (range == WHOLE_DAYS) {
                    assertEquals(12, sessions, "3 categories x 4 sessions a day");
                }
                assertEquals(Long.toString(sessions), row.get("sessions"), where);
                assertEquals(Long.toString(shoppers), row.get("shoppers"), where);
                assertEquals(
                        100.0 * orders / sessions,
                        Double.parseDouble(row.get("orders_per_100_sessions")),
                        0.0051,
                        where);
            }
        }
    }

    @Test
    void eventsPerHour() {
        for (Range range : RANGES) {
            Map<String, Long> expected = inRange(range, e -> true).stream()
                    .collect(Collectors.groupingBy(
                            e -> e.timestamp()
                                    .truncatedTo(ChronoUnit.HOURS)
                                    .toString()
                                    .replace("T", " ")
                                    .replace("Z", ""),
                            TreeMap::new,
                            Collectors.counting()));
            Map<String, Long> actual = new TreeMap<>();
            panel("Events per hour", range).forEach(r -> actual.put(r.get("time"), Long.parseLong(r.get("events"))));
            assertEquals(expected, actual, range.toString());
        }
    }

    @Test
    void categoryKpisOverTheRange() {
        for (Range range : RANGES) {
            List<Map<String, String>> rows = panel("Category KPIs", range);
            assertEquals(3, rows.size(), range.toString());
            for (Map<String, String> row : rows) {
                String category = row.get("category");
                String where = range + " " + row;
                List<FixtureEvent> of = inRange(range, e -> e.category().equals(category));
                long views =
                        of.stream().filter(e -> e.type().equals("page_view")).count();
                long purchases =
                        of.stream().filter(e -> e.type().equals("purchase")).count();
                assertEquals(Long.toString(views), row.get("views"), where);
                assertEquals(
                        Long.toString(of.stream()
                                .filter(e -> e.type().equals("add_to_cart"))
                                .count()),
                        row.get("carts"),
                        where);
                assertEquals(Long.toString(purchases), row.get("purchases"), where);
                assertEquals(
                        0,
                        revenue(of.stream()
                                        .filter(e -> e.type().equals("purchase"))
                                        .toList())
                                .compareTo(new BigDecimal(row.get("revenue"))),
                        where);
                assertEquals(
                        100.0 * purchases / views, Double.parseDouble(row.get("view_to_purchase_pct")), 0.0051, where);
                assertEquals(
                        Long.toString(of.stream()
                                .filter(e -> e.type().equals("page_view"))
                                .map(FixtureEvent::userId)
                                .distinct()
                                .count()),
                        row.get("viewers"),
                        where);
            }
            if (range == WHOLE_DAYS) {
                // ordered by revenue, hand count: toys 2 x 31 + 32 = 94, electronics 21 + 2 x 22 = 65, apparel 2 x 11 +
                // 12 = 34
                assertEquals(
                        List.of("toys", "electronics", "apparel"),
                        rows.stream().map(r -> r.get("category")).toList());
            }
        }
    }

    @Test
    void revenuePerDayByCategory() {
        for (Range range : RANGES) {
            Map<String, BigDecimal> expected = new TreeMap<>();
            for (String day : daysWith(range, e -> true)) {
                for (String category : CATEGORIES) {
                    expected.put(
                            day + " " + category,
                            revenue(inRange(
                                    range,
                                    e -> e.type().equals("purchase")
                                            && day(e.timestamp()).equals(day)
                                            && e.category().equals(category))));
                }
            }
            Map<String, BigDecimal> actual = new TreeMap<>();
            panel("Revenue per day by category", range)
                    .forEach(
                            r -> actual.put(r.get("time") + " " + r.get("category"), new BigDecimal(r.get("revenue"))));
            assertEquals(expected.keySet(), actual.keySet(), range.toString());
            expected.forEach((key, value) -> assertEquals(0, value.compareTo(actual.get(key)), range + " " + key));
        }
    }

    @Test
    void checkoutConversionPerDayByBrowser() {
        for (Range range : RANGES) {
            Map<String, String> actual = new TreeMap<>();
            panel("Checkout conversion per day by browser", range)
                    .forEach(r -> actual.put(r.get("time") + " " + r.get("browser"), r.get("cart_to_purchase_pct")));
            assertEquals(2 * daysWith(range, e -> true).size(), actual.size(), range + ": days x 2 browsers");
            actual.forEach((key, value) -> {
                String[] k = key.split(" ");
                List<FixtureEvent> of = inRange(
                        range,
                        e -> day(e.timestamp()).startsWith(k[0]) && e.browser().equals(k[2]));
                long carts =
                        of.stream().filter(e -> e.type().equals("add_to_cart")).count();
                long purchases =
                        of.stream().filter(e -> e.type().equals("purchase")).count();
                assertEquals(100.0 * purchases / carts, Double.parseDouble(value), 0.051, range + " " + key);
            });
        }
        List<Map<String, String>> safari = panel(
                "Checkout conversion per day by browser", WHOLE_DAYS, Map.of("browser", List.of("Safari")), "UTC");
        assertEquals(
                List.of("Safari", "Safari"),
                safari.stream().map(r -> r.get("browser")).toList(),
                "the Browser selector: Safari on both days");
    }

    /**
     * A server (or a Grafana connection) in another timezone: every panel answers exactly as in
     * UTC, for every range. Pago Pago is UTC-11: its days are not the UTC days.
     */
    @Test
    void everyPanelReadsUtcDaysOnAServerInAnotherTimezone() {
        for (Range range : RANGES) {
            for (String title : Provisioning.trendsPanelQueries().keySet()) {
                assertEquals(
                        panel(title, range, Map.of(), "UTC"),
                        panel(title, range, Map.of(), "Pacific/Pago_Pago"),
                        title + ", " + range + ", with session_timezone Pacific/Pago_Pago");
            }
        }
    }

    /** The UTC days of a range that hold an event matching {@code filter}, as the panels name them. */
    private List<String> daysWith(Range range, Predicate<FixtureEvent> filter) {
        return inRange(range, filter).stream()
                .map(e -> day(e.timestamp()))
                .distinct()
                .sorted()
                .toList();
    }
}
