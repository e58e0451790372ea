package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The sources and campaigns dashboard against a hand-counted day: eight sessions with their
 * channel, source, campaign, landing page, country, device and customer, one of them a crawler's,
 * stored one event per insert in shuffled order (every session in pieces), read on a mid-day
 * range as Grafana runs the panels, with the Visitors selector at its default (people), at bots,
 * at All, and on a server in another timezone.
 */
@ExtendWith(RealServices.class)
class SourcesIT {
    private static final Map<String, List<String>> PEOPLE = Map.of("visitors", List.of("person"));
    private static final Instant FROM = Instant.parse("2019-10-25T10:00:00Z");
    private static final Instant TO = Instant.parse("2019-10-25T11:00:00Z");

    /** One event with where its session came from (the collector's findings as stored). */
    private record Hit(
            String session,
            String user,
            String type,
            String price,
            String order,
            String time,
            String page,
            String referrer,
            String channel,
            String utmSource,
            String utmCampaign,
            String country,
            String device,
            String customer,
            boolean bot) {
        String values(int offset) {
            return String.format(
                    "(generateUUIDv4(), '%s', '%s', 'p', %s, '2019-10-25 %s', '%s', 'cat', '%s', 'Chrome', 'Windows',"
                            + " '%s', '%s', '%s', '%s', '%s', '%s', '%s', %s, '%s', 'fixture', 0, %d)",
                    type,
                    user,
                    price,
                    time,
                    session,
                    device,
                    order,
                    page,
                    referrer,
                    utmSource,
                    utmCampaign,
                    channel,
                    country,
                    bot,
                    customer,
                    offset);
        }
    }

    private static Hit hit(
            String session,
            String type,
            String price,
            String order,
            String time,
            String page,
            String referrer,
            String channel,
            String source,
            String campaign,
            String country,
            String device,
            String customer) {
        return new Hit(
                session,
                "u-" + session,
                type,
                price,
                order,
                time,
                page,
                referrer,
                channel,
                source,
                campaign,
                country,
                device,
                customer,
                false);
    }

    /**
     * Hand count, 10:00–11:00 (people only): a1 google → bought 40.00; a2 bing, one view (a bounce);
     * a3 and a4 the facebook "autumn" campaign (paid social), a4 identified as customer c-7 at its
     * cart and bought one order of two items, 60.00 + 15.00; a5 direct, no country, customer c-7
     * again on another device, bought 20.00; a8 a blog's link at 10:50, bought 10.00 at 11:05 (after
     * the range: a session is counted whole where it started). Not counted: a6, a crawler (its own
     * row in the bot share); a7, started at 09:55.
     */
    private static List<Hit> day() {
        List<Hit> hits = new ArrayList<>();
        String g = "www.google.com/";
        hits.add(hit(
                "a1",
                "page_view",
                "40.00",
                "",
                "10:05:00",
                "shop.example/p/1",
                g,
                "organic_search",
                "",
                "",
                "DE",
                "desktop",
                ""));
        hits.add(hit(
                "a1",
                "add_to_cart",
                "40.00",
                "",
                "10:06:00",
                "shop.example/p/1",
                "shop.example/p/1",
                "internal",
                "",
                "",
                "DE",
                "desktop",
                ""));
        hits.add(hit(
                "a1",
                "purchase",
                "40.00",
                "o1",
                "10:07:00",
                "shop.example/checkout",
                "shop.example/p/1",
                "internal",
                "",
                "",
                "DE",
                "desktop",
                ""));
        hits.add(hit(
                "a2",
                "page_view",
                "5.00",
                "",
                "10:10:00",
                "shop.example/",
                "www.bing.com/search",
                "organic_search",
                "",
                "",
                "FR",
                "mobile",
                ""));
        hits.add(hit(
                "a3",
                "page_view",
                "9.00",
                "",
                "10:15:00",
                "shop.example/p/2",
                "m.facebook.com/",
                "paid_social",
                "facebook",
                "autumn",
                "DE",
                "mobile",
                ""));
        hits.add(hit(
                "a3",
                "page_view",
                "9.00",
                "",
                "10:16:00",
                "shop.example/p/3",
                "shop.example/p/2",
                "paid_social",
                "facebook",
                "autumn",
                "DE",
                "mobile",
                ""));
        hits.add(hit(
                "a4",
                "page_view",
                "60.00",
                "",
                "10:20:00",
                "shop.example/p/2",
                "m.facebook.com/",
                "paid_social",
                "facebook",
                "autumn",
                "US",
                "desktop",
                ""));
        hits.add(hit(
                "a4",
                "add_to_cart",
                "60.00",
                "",
                "10:21:00",
                "shop.example/p/2",
                "shop.example/p/2",
                "paid_social",
                "facebook",
                "autumn",
                "US",
                "desktop",
                "c-7"));
        hits.add(hit(
                "a4",
                "purchase",
                "60.00",
                "o2",
                "10:22:00",
                "shop.example/checkout",
                "shop.example/p/2",
                "paid_social",
                "facebook",
                "autumn",
                "US",
                "desktop",
                "c-7"));
        hits.add(hit(
                "a4",
                "purchase",
                "15.00",
                "o2",
                "10:22:00.001",
                "shop.example/checkout",
                "shop.example/p/2",
                "paid_social",
                "facebook",
                "autumn",
                "US",
                "desktop",
                "c-7"));
        hits.add(hit(
                "a5",
                "page_view",
                "20.00",
                "",
                "10:30:00",
                "shop.example/p/1",
                "",
                "direct",
                "",
                "",
                "",
                "desktop",
                "c-7"));
        hits.add(hit(
                "a5",
                "purchase",
                "20.00",
                "o3",
                "10:31:00",
                "shop.example/checkout",
                "shop.example/p/1",
                "internal",
                "",
                "",
                "",
                "desktop",
                "c-7"));
        hits.add(new Hit(
                "a6",
                "bot1",
                "page_view",
                "1.00",
                "",
                "10:35:00",
                "shop.example/p/9",
                "",
                "direct",
                "",
                "",
                "US",
                "desktop",
                "",
                true));
        hits.add(new Hit(
                "a6",
                "bot1",
                "page_view",
                "1.00",
                "",
                "10:36:00",
                "shop.example/p/8",
                "",
                "direct",
                "",
                "",
                "US",
                "desktop",
                "",
                true));
        hits.add(hit(
                "a7",
                "page_view",
                "7.00",
                "",
                "09:55:00",
                "shop.example/p/7",
                "",
                "email",
                "newsletter",
                "oct",
                "DE",
                "desktop",
                ""));
        hits.add(hit(
                "a7",
                "purchase",
                "7.00",
                "o7",
                "10:01:00",
                "shop.example/checkout",
                "shop.example/p/7",
                "email",
                "newsletter",
                "oct",
                "DE",
                "desktop",
                ""));
        hits.add(hit(
                "a8",
                "page_view",
                "10.00",
                "",
                "10:50:00",
                "shop.example/p/5",
                "blog.example/post",
                "referral",
                "",
                "",
                "GB",
                "tablet",
                ""));
        hits.add(hit(
                "a8",
                "purchase",
                "10.00",
                "o4",
                "11:05:00",
                "shop.example/checkout",
                "shop.example/p/5",
                "internal",
                "",
                "",
                "GB",
                "tablet",
                ""));
        return hits;
    }

    private static String store(ClickHouseService ch, List<Hit> hits) {
        String db = Schema.apply(ch, "sources_" + Long.toHexString(System.nanoTime()));
        List<Hit> shuffled = new ArrayList<>(hits);
        Collections.shuffle(shuffled, new Random(34));
        int offset = 0;
        for (Hit h : shuffled) {
            ch.execute("INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                    + " session_id, category, device, browser, os, order_id, page, referrer, utm_source, utm_campaign,"
                    + " channel, country, is_bot, customer_id, kafka_topic, kafka_partition, kafka_offset) VALUES "
                    + h.values(offset++));
        }
        return db;
    }

    private static List<Map<String, String>> panel(
            ClickHouseService ch,
            String db,
            String title,
            Instant from,
            Instant to,
            Map<String, List<String>> selected) {
        return panel(ch, db, title, from, to, selected, "UTC");
    }

    private static List<Map<String, String>> panel(
            ClickHouseService ch,
            String db,
            String title,
            Instant from,
            Instant to,
            Map<String, List<String>> selected,
            String timeZone) {
        String sql = Provisioning.sourcesPanelQueries().get(title);
        assertTrue(sql != null, "no panel " + title);
        return PanelQuery.rows(ch, db, sql, from, to, selected, timeZone);
    }

    /** The named columns of each row, joined by '|', one string per row. */
    private static List<String> rows(List<Map<String, String>> rows, String... columns) {
        return rows.stream()
                .map(r -> List.of(columns).stream().map(r::get).collect(Collectors.joining("|")))
                .toList();
    }

    @Test
    void everyPanelCountsTheHandCountedDay(ClickHouseService ch) {
        String db = store(ch, day());

        assertEquals(
                List.of("6|5|2|66.7|4|145|36.25"),
                rows(
                        panel(ch, db, "Visitors: sessions, people, conversion, revenue", FROM, TO, PEOPLE),
                        "sessions",
                        "people",
                        "customer_sessions",
                        "conversion_pct",
                        "orders",
                        "revenue",
                        "average_order_value"),
                "a1, a2, a3, a4, a5, a8; people u1, u2, u3, c-7 (a4 and a5), u8; converted a1, a4, a5, a8");
        assertEquals(
                List.of("7|1|14.3"),
                rows(panel(ch, db, "Bot share", FROM, TO, PEOPLE), "all_sessions", "bot_sessions", "bot_share_pct"),
                "a6 of the seven sessions, whatever the selector says");
        assertEquals(
                List.of(
                        "organic_search|2|1|50|1|40|40|33.3",
                        "paid_social|2|1|50|1|75|75|33.3",
                        "direct|1|1|100|1|20|20|16.7",
                        "referral|1|1|100|1|10|10|16.7"),
                rows(
                        panel(ch, db, "Channels", FROM, TO, PEOPLE),
                        "channel",
                        "sessions",
                        "converted",
                        "conversion_pct",
                        "orders",
                        "revenue",
                        "average_order_value",
                        "share_pct"),
                "the channel of each session's first event, never 'internal' of its later pages");
        assertEquals(
                List.of(
                        "paid_social|facebook|autumn|2|50|75",
                        "direct|(none)|(none)|1|100|20",
                        "organic_search|www.bing.com|(none)|1|0|0",
                        "organic_search|www.google.com|(none)|1|100|40",
                        "referral|blog.example|(none)|1|100|10"),
                rows(
                        panel(ch, db, "Sources and campaigns", FROM, TO, PEOPLE),
                        "channel",
                        "source",
                        "campaign",
                        "sessions",
                        "conversion_pct",
                        "revenue"));
        assertEquals(
                List.of(
                        "shop.example/p/1|2|0|100|60",
                        "shop.example/p/2|2|0|50|75",
                        "shop.example/|1|100|0|0",
                        "shop.example/p/5|1|0|100|10"),
                rows(
                        panel(ch, db, "Top landing pages", FROM, TO, PEOPLE),
                        "landing_page",
                        "sessions",
                        "bounce_rate_pct",
                        "conversion_pct",
                        "revenue"),
                "a2 is the one bounce; a3 lands on p/2 and views p/3");
        assertEquals(
                List.of("DE|2|50|40", "(none)|1|100|20", "FR|1|0|0", "GB|1|100|10", "US|1|100|75"),
                rows(panel(ch, db, "Countries", FROM, TO, PEOPLE), "country", "sessions", "conversion_pct", "revenue"));
        assertEquals(
                List.of("desktop|3|100|135|45", "mobile|2|0|0|\\N", "tablet|1|100|10|10"),
                rows(
                        panel(ch, db, "Devices", FROM, TO, PEOPLE),
                        "device",
                        "sessions",
                        "conversion_pct",
                        "revenue",
                        "average_order_value"));
        assertEquals(
                List.of(
                        "10:05|organic_search|1",
                        "10:10|organic_search|1",
                        "10:15|paid_social|1",
                        "10:20|paid_social|1",
                        "10:30|direct|1",
                        "10:50|referral|1"),
                panel(ch, db, "Sessions by channel", FROM, TO, PEOPLE).stream()
                        .map(r -> r.get("time").substring(11, 16) + "|" + r.get("channel") + "|" + r.get("sessions"))
                        .toList(),
                "each session in the minute it started");
    }

    @Test
    void theVisitorsSelectorAMidDayRangeAndAnotherTimezone(ClickHouseService ch) {
        String db = store(ch, day());
        String visitors = "Visitors: sessions, people, conversion, revenue";
        assertEquals(
                List.of("1|1|0"),
                rows(
                        panel(ch, db, visitors, FROM, TO, Map.of("visitors", List.of("bot"))),
                        "sessions",
                        "people",
                        "conversion_pct"),
                "the crawler's session alone");
        assertEquals(
                List.of("7|6"),
                rows(panel(ch, db, visitors, FROM, TO, Map.of()), "sessions", "people"),
                "All: people and the crawler");
        assertEquals(
                List.of("direct|2", "organic_search|2", "paid_social|2", "referral|1"),
                rows(panel(ch, db, "Channels", FROM, TO, Map.of()), "channel", "sessions"),
                "All: the crawler's session is a direct one");

        // 10:12-10:40: a3, a4 and a5 started in it (a2 at 10:10 and a8 at 10:50 did not)
        Instant from = Instant.parse("2019-10-25T10:12:00Z");
        Instant to = Instant.parse("2019-10-25T10:40:00Z");
        assertEquals(
                List.of("3|2|2|66.7|2|95"),
                rows(
                        panel(ch, db, visitors, from, to, PEOPLE),
                        "sessions",
                        "people",
                        "customer_sessions",
                        "conversion_pct",
                        "orders",
                        "revenue"),
                "a3, a4 (c-7) and a5 (c-7)");
        assertEquals(
                List.of("paid_social|2", "direct|1"),
                rows(panel(ch, db, "Channels", from, to, PEOPLE), "channel", "sessions"));

        // A server in another timezone (10:00-11:00 UTC is 23:00-00:00 of the day before in
        // Pago Pago): the same UTC days are read, the same figures shown.
        for (String title : Provisioning.sourcesPanelQueries().keySet()) {
            assertEquals(
                    panel(ch, db, title, FROM, TO, PEOPLE),
                    panel(ch, db, title, FROM, TO, PEOPLE, "Pacific/Pago_Pago"),
                    title + " with session_timezone Pacific/Pago_Pago");
        }
    }

    /**
     * Bots are left out of every other rollup (the live and trends panels count people), and the
     * live dashboard's session panels leave bots' sessions out.
     */
    @Test
    void botsAreLeftOutOfTheOtherRollups(ClickHouseService ch) {
        String db = store(ch, day());
        assertEquals(
                16,
                ch.queryLong("SELECT sum(events) FROM " + db + ".events_per_minute"),
                "18 events, 2 of them the crawler's");
        for (String table : List.of("product_minute", "segment_minute", "category_day", "category_minute")) {
            assertEquals(16, ch.queryLong("SELECT sum(events) FROM " + db + "." + table), table);
        }
        assertEquals(18, ch.queryLong("SELECT sum(events) FROM " + db + ".sessions"), "the sessions rollup keeps them");
        for (String title : List.of(
                "Sessions: bounce, cart abandonment, order value",
                "Funnel by segment (sessions)",
                "Top entry products (sessions)")) {
            long sessions =
                    PanelQuery.rows(ch, db, Provisioning.panelQueries().get(title), FROM, TO, Map.of(), "UTC").stream()
                            .mapToLong(r -> Long.parseLong(r.getOrDefault("sessions", r.get("viewed"))))
                            .sum();
            assertEquals(6, sessions, title + ": the live session panels leave the crawler's session out too");
        }
    }
}
