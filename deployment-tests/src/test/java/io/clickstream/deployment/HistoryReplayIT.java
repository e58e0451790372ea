package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.producer.replay.ReplayRowMapper;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The use case the project was started for: replay a recorded clickstream of October 2019 with
 * its own timestamps (the producer jar, {@code --replay-timestamps original}), store it (the
 * consumer jar), and investigate it: every trends panel and every session panel answers for
 * that range, with the figures counted here from the file.
 */
@ExtendWith(RealServices.class)
class HistoryReplayIT {
    private static final Instant FIRST_DAY = Instant.parse("2019-10-20T00:00:00Z");
    private static final Instant FROM = FIRST_DAY;
    private static final Instant TO = Instant.parse("2019-10-22T23:59:59Z");
    private static final DateTimeFormatter KAGGLE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);
    private static final String[] CATEGORIES = {"electronics.smartphone", "apparel.shoes", ""};

    /** One row of the file, as the panels will count it. */
    private record Row(
            Instant at, String type, String product, String category, BigDecimal price, String user, String session) {
        String csv() {
            return KAGGLE_TIME.format(at) + "," + type + "," + product + ",2053013552326770905," + category + ",acme,"
                    + price.toPlainString() + "," + user + "," + session;
        }

        String day() {
            return at.truncatedTo(ChronoUnit.DAYS).toString().replace("T", " ").replace("Z", "");
        }
    }

    /**
     * Three days, 12 sessions a day (each on one category, a blank one included): a view each
     * minute for 3 + (s mod 4) minutes; sessions s mod 3 = 0 put the product in the cart, and of
     * those s mod 2 = 0 buy it.
     */
    private static List<Row> file() {
        List<Row> rows = new ArrayList<>();
        for (int d = 0; d < 3; d++) {
            for (int s = 0; s < 12; s++) {
                Instant start = FIRST_DAY.plus(d, ChronoUnit.DAYS).plus(s * 97L, ChronoUnit.MINUTES);
                String session = "sess-" + d + "-" + s;
                String user = Integer.toString(500 + s % 7);
                String product = Integer.toString(1000 + s);
                String category = CATEGORIES[s % 3];
                BigDecimal price = BigDecimal.valueOf(10 + s).setScale(2);
                int views = 3 + s % 4;
                for (int v = 0; v < views; v++) {
                    rows.add(new Row(
                            start.plus(v, ChronoUnit.MINUTES), "view", product, category, price, user, session));
                }
                if (s % 3 == 0) {
                    rows.add(new Row(
                            start.plus(views, ChronoUnit.MINUTES), "cart", product, category, price, user, session));
                    if (s % 2 == 0) {
                        rows.add(new Row(
                                start.plus(views + 1, ChronoUnit.MINUTES),
                                "purchase",
                                product,
                                category,
                                price,
                                user,
                                session));
                    }
                }
            }
        }
        return rows;
    }

    @Test
    void octoberTwentyNineteenReplayedWithItsOwnTimesFillsEveryPanel(
            KafkaService kafka, ClickHouseService ch, @TempDir Path dir) throws Exception {
        List<Row> rows = file();
        Path csv = dir.resolve("2019-Oct.csv");
        Files.writeString(
                csv,
                String.join(",", ReplayRowMapper.HEADER) + "\n"
                        + rows.stream().map(Row::csv).collect(Collectors.joining("\n")) + "\n");
        String topic = kafka.createTopic("history", 3);
        String db = ch.createDatabase("history");
        Path repo = RepositoryLayout.root();
        try (JavaProcess producer = JavaProcess.jar(
                repo.resolve("producer/target/clickstream-producer.jar"),
                dir.resolve("producer.log"),
                List.of(
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--topic",
                        topic,
                        "--mode",
                        "replay",
                        "--replay-file",
                        csv.toString(),
                        "--replay-timestamps",
                        "original",
                        "--rate",
                        "0"))) {
            assertEquals(0, producer.waitFor(Await.HANG), producer.tail());
        }
        try (JavaProcess consumer = JavaProcess.consumer(
                repo,
                dir.resolve("consumer.log"),
                kafka.bootstrapServers(),
                topic,
                topic,
                ch.jdbcUrl(db),
                List.of("--batch-max-wait", "1s", "--http-port", "-1"))) {
            Await.untilTrue(
                    rows.size() + " rows stored",
                    Await.HANG,
                    () -> tableExists(ch, db) && ch.queryLong("SELECT count() FROM " + db + ".events") >= rows.size(),
                    consumer::tail);
            CommittedOffsets.awaitCaughtUp(kafka, topic, topic, Await.HANG, consumer::tail);
        }

        // Trends, every panel
        Map<String, Long> perDayAndType = new TreeMap<>();
        trends(ch, db, "Events per day by type")
                .forEach(r ->
                        perDayAndType.put(r.get("time") + " " + r.get("event_type"), Long.parseLong(r.get("events"))));
        assertEquals(
                rows.stream()
                        .collect(Collectors.groupingBy(
                                r -> r.day() + " " + wire(r.type()), TreeMap::new, Collectors.counting())),
                perDayAndType);
        for (Map<String, String> day : trends(ch, db, "Revenue, orders and order value per day")) {
            List<Row> bought = rows.stream()
                    .filter(r -> r.type().equals("purchase") && r.day().equals(day.get("time")))
                    .toList();
            BigDecimal revenue = bought.stream().map(Row::price).reduce(BigDecimal.ZERO, BigDecimal::add);
            assertEquals(0, revenue.compareTo(new BigDecimal(day.get("revenue"))), day.toString());
            assertEquals(Long.toString(bought.size()), day.get("orders"), "no order ids: a purchase row each");
        }
        for (Map<String, String> day : trends(ch, db, "Sessions, shoppers and orders per 100 sessions, per day")) {
            assertEquals("12", day.get("sessions"), day.toString());
        }
        assertEquals(
                rows.size(),
                trends(ch, db, "Events per hour").stream()
                        .mapToLong(r -> Long.parseLong(r.get("events")))
                        .sum());
        Map<String, Long> views = new TreeMap<>();
        trends(ch, db, "Category KPIs").forEach(r -> views.put(r.get("category"), Long.parseLong(r.get("views"))));
        assertEquals(
                rows.stream()
                        .filter(r -> r.type().equals("view"))
                        .collect(Collectors.groupingBy(
                                r -> r.category().isEmpty() ? "(none)" : r.category(),
                                TreeMap::new,
                                Collectors.counting())),
                views);
        assertFalse(trends(ch, db, "Revenue per day by category").isEmpty());
        assertFalse(trends(ch, db, "Checkout conversion per day by browser").isEmpty());
        assertEquals(7, Provisioning.trendsPanelQueries().size(), "every trends panel is checked above");

        // Sessions, every panel: 36 sessions started in the range; 6 abandoned carts of 12 with one
        Map<String, String> summary =
                live(ch, db, "Sessions: bounce, cart abandonment, order value").get(0);
        assertEquals("36", summary.get("sessions"));
        assertEquals("0", summary.get("bounce_rate_pct"), "every session viewed 3 pages or more");
        assertEquals("50", summary.get("cart_abandonment_pct"));
        long funnelSessions = live(ch, db, "Funnel by segment (sessions)").stream()
                .mapToLong(r -> Long.parseLong(r.get("viewed")))
                .sum();
        assertEquals(36, funnelSessions);
        List<Map<String, String>> entries = live(ch, db, "Top entry products (sessions)");
        assertEquals(10, entries.size(), "12 entry products, the panel shows 10");
        assertTrue(entries.stream().allMatch(r -> r.get("sessions").equals("3")), "one session a day each: " + entries);
    }

    private static String wire(String kaggleType) {
        return switch (kaggleType) {
            case "view" -> "page_view";
            case "cart" -> "add_to_cart";
            default -> kaggleType;
        };
    }

    private static boolean tableExists(ClickHouseService ch, String db) {
        return ch.queryLong("SELECT count() FROM system.tables WHERE database = '" + db + "' AND name = 'events'") == 1;
    }

    private static List<Map<String, String>> trends(ClickHouseService ch, String db, String title) {
        return panel(ch, db, Provisioning.trendsPanelQueries().get(title), title);
    }

    private static List<Map<String, String>> live(ClickHouseService ch, String db, String title) {
        return panel(ch, db, Provisioning.panelQueries().get(title), title);
    }

    private static List<Map<String, String>> panel(ClickHouseService ch, String db, String sql, String title) {
        assertTrue(sql != null, "no panel " + title);
        List<Map<String, String>> rows =
                ch.queryRows(GrafanaMacros.expand(sql, FROM, TO, 3600).replace("clickstream.", db + "."));
        assertFalse(rows.isEmpty(), title + " is empty for October 2019");
        return rows;
    }
}
