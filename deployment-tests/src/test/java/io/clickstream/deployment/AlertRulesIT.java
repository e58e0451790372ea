package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Each provisioned alert rule's query and threshold, on data that must fire it and data that must not. */
@ExtendWith(RealServices.class)
class AlertRulesIT {
    private static final Instant TO = Instant.parse("2026-11-25T12:00:00Z");
    private static final Map<String, Provisioning.AlertRule> RULES =
            Provisioning.alertRules().stream().collect(Collectors.toMap(Provisioning.AlertRule::uid, r -> r));

    /** {@code count} events of {@code type}, one every {@code stepMillis}, from {@code start}, each stored as it happened. */
    private static void insert(
            ClickHouseService ch, String db, String type, int count, Instant start, long stepMillis) {
        insert(ch, db, type, count, start, stepMillis, 0);
    }

    /** As above, but stored {@code storedAfterMillis} after the event's time (negative: stamped ahead of its storing). */
    private static void insert(
            ClickHouseService ch,
            String db,
            String type,
            int count,
            Instant start,
            long stepMillis,
            long storedAfterMillis) {
        insert(ch, db, type, count, start, stepMillis, storedAfterMillis, "mobile/Chrome/Android");
    }

    /** As above, for shoppers of one segment, {@code device/browser/os}. */
    private static void insert(
            ClickHouseService ch,
            String db,
            String type,
            int count,
            Instant start,
            long stepMillis,
            long storedAfterMillis,
            String segment) {
        String[] s = segment.split("/");
        String time =
                "addMilliseconds(fromUnixTimestamp64Milli(" + start.toEpochMilli() + "), number * " + stepMillis + ")";
        ch.execute("INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                + " session_id, category, device, browser, os, kafka_topic, kafka_partition, kafka_offset, ingested_at)"
                + " SELECT generateUUIDv4(), '" + type + "', concat('user_', toString(number % 50)), 'prod_1', 9.99, "
                + time + ","
                + " 's', 'c', '" + s[0] + "', '" + s[1] + "', '" + s[2] + "', 'alert-test', 0, number, addMilliseconds("
                + time + ", "
                + storedAfterMillis + ") FROM numbers(" + count + ")");
    }

    /** Whether a rule's condition holds at {@code TO}, evaluated as Grafana would. */
    private static boolean fires(ClickHouseService ch, String db, String uid) {
        return fires(ch, db, uid, TO);
    }

    private static boolean fires(ClickHouseService ch, String db, String uid, Instant at) {
        return AlertEvaluation.conditionHolds(ch, db, RULES.get(uid), at);
    }

    private static String freshDatabase(ClickHouseService ch) {
        return Schema.apply(ch, "alerts_" + Long.toHexString(System.nanoTime()));
    }

    @Test
    void theFiveRulesAreProvisioned() {
        assertEquals(
                List.of(
                        "clickstream-campaign-conversion",
                        "clickstream-checkout-broken",
                        "clickstream-segment-conversion",
                        "clickstream-stale-data",
                        "clickstream-traffic-drop"),
                RULES.keySet().stream().sorted().toList());
    }

    @Test
    void trafficDropFiresWhenTheLastFiveMinutesFallBelowHalfTheBaseline(ClickHouseService ch) {
        String steady = freshDatabase(ch);
        insert(ch, steady, "page_view", 3600, TO.minusSeconds(3900), 1000); // 1/s for the hour before
        insert(ch, steady, "page_view", 300, TO.minusSeconds(299), 1000); // 1/s in the last 5 minutes
        assertTrue(!fires(ch, steady, "clickstream-traffic-drop"), "steady traffic");

        String dropped = freshDatabase(ch);
        insert(ch, dropped, "page_view", 3600, TO.minusSeconds(3900), 1000);
        insert(ch, dropped, "page_view", 60, TO.minusSeconds(299), 5000); // 0.2/s: a drop to 20%
        assertTrue(fires(ch, dropped, "clickstream-traffic-drop"), "traffic at 20% of baseline");

        String noBaseline = freshDatabase(ch);
        insert(ch, noBaseline, "page_view", 10, TO.minusSeconds(60), 1000);
        assertTrue(!fires(ch, noBaseline, "clickstream-traffic-drop"), "no baseline yet: no alarm");
    }

    @Test
    void checkoutBrokenFiresWhenCartsContinueWithoutPurchases(ClickHouseService ch) {
        String broken = freshDatabase(ch);
        insert(ch, broken, "page_view", 500, TO.minusSeconds(590), 1000);
        insert(ch, broken, "add_to_cart", 25, TO.minusSeconds(590), 20_000);
        insert(ch, broken, "purchase", 3, TO.minusSeconds(900), 10_000); // before the 10-minute window
        assertTrue(fires(ch, broken, "clickstream-checkout-broken"));

        String healthy = freshDatabase(ch);
        insert(ch, healthy, "add_to_cart", 25, TO.minusSeconds(590), 20_000);
        insert(ch, healthy, "purchase", 1, TO.minusSeconds(30), 1000);
        assertTrue(!fires(ch, healthy, "clickstream-checkout-broken"), "one purchase in the window");

        String quiet = freshDatabase(ch);
        insert(ch, quiet, "add_to_cart", 10, TO.minusSeconds(590), 20_000);
        assertTrue(!fires(ch, quiet, "clickstream-checkout-broken"), "too few carts to judge");
    }

    @Test
    void staleDataFiresWhenTheNewestEventIsOlderThanAMinute(ClickHouseService ch) {
        Instant now = Instant.now();
        String stale = freshDatabase(ch);
        insert(ch, stale, "page_view", 10, now.minusSeconds(130), 1000); // newest 121 s old
        assertTrue(fires(ch, stale, "clickstream-stale-data", now));

        String fresh = freshDatabase(ch);
        insert(ch, fresh, "page_view", 10, now.minusSeconds(10), 500); // newest 5.5 s old
        assertTrue(!fires(ch, fresh, "clickstream-stale-data", now));

        assertTrue(fires(ch, freshDatabase(ch), "clickstream-stale-data", now), "nothing at all is stale too");

        // A pipeline that stalled 2 minutes ago after storing one event stamped a day ahead
        // (a client with a wrong clock): the freshest event time is in the future, the freshest
        // ingestion is 2 minutes old. Event time would call this fresh for a day.
        String stalled = freshDatabase(ch);
        insert(ch, stalled, "page_view", 10, now.minusSeconds(130), 1000);
        insert(
                ch,
                stalled,
                "page_view",
                1,
                now.plus(Duration.ofDays(1)),
                1000,
                -Duration.ofDays(1).plusSeconds(120).toMillis());
        assertTrue(fires(ch, stalled, "clickstream-stale-data", now), "an event stamped ahead hides nothing");

        // A replay of October 2019 being stored: event times seven years old, stored 5 s ago.
        String replay = freshDatabase(ch);
        Instant october2019 = Instant.parse("2019-10-01T10:00:00Z");
        insert(
                ch,
                replay,
                "page_view",
                10,
                october2019,
                1000,
                Duration.between(october2019, now).toMillis() - 5_000);
        assertTrue(!fires(ch, replay, "clickstream-stale-data", now), "history being stored is not stale");
    }

    /** Four kinds of shopper, each converting 30% of carts in the baseline hour (10:45–11:45). */
    private static final String[] SHOPPERS = {
        "mobile/Safari/iOS", "mobile/Chrome/iOS", "mobile/Chrome/Android", "desktop/Chrome/Windows"
    };

    /** A database with the baseline hour, and the last 15 minutes with {@code recentPurchases} per kind of shopper. */
    private static String segments(ClickHouseService ch, int[] recentCarts, int[] recentPurchases) {
        String db = freshDatabase(ch);
        for (int i = 0; i < SHOPPERS.length; i++) {
            insert(ch, db, "add_to_cart", 120, TO.minusSeconds(4490), 30_000, 0, SHOPPERS[i]);
            insert(ch, db, "purchase", 36, TO.minusSeconds(4480), 100_000, 0, SHOPPERS[i]);
            insert(ch, db, "add_to_cart", recentCarts[i], TO.minusSeconds(890), 14_000, 0, SHOPPERS[i]);
            insert(ch, db, "purchase", recentPurchases[i], TO.minusSeconds(880), 45_000, 0, SHOPPERS[i]);
        }
        return db;
    }

    /** The segments whose instance meets the threshold at {@code TO}. */
    private static List<String> collapsed(ClickHouseService ch, String db) {
        Provisioning.AlertRule rule = RULES.get("clickstream-segment-conversion");
        return AlertEvaluation.values(ch, db, rule, TO).entrySet().stream()
                .filter(e -> rule.fires(e.getValue()))
                .map(Map.Entry::getKey)
                .toList();
    }

    @Test
    void segmentConversionNamesTheOneSegmentThatStoppedBuyingWhileTheOthersHold(ClickHouseService ch) {
        String healthy = segments(ch, new int[] {60, 60, 60, 60}, new int[] {18, 18, 18, 18});
        Map<String, Double> values =
                AlertEvaluation.values(ch, healthy, RULES.get("clickstream-segment-conversion"), TO);
        assertEquals(7, values.size(), "one instance per device (2), browser (2) and os (3) seen: " + values);
        assertEquals(1.0, values.get("segment=browser=Safari"), 1e-9, "18/60 over 36/120");
        assertEquals(List.of(), collapsed(ch, healthy));

        // Safari shoppers stop buying: Safari's ratio is 0; iOS (half Safari) falls to 0.5 and
        // mobile to 0.67, both above the 0.3 threshold; the other shoppers hold.
        String safariBroken = segments(ch, new int[] {60, 60, 60, 60}, new int[] {0, 18, 18, 18});
        Map<String, Double> broken =
                AlertEvaluation.values(ch, safariBroken, RULES.get("clickstream-segment-conversion"), TO);
        assertEquals(0.0, broken.get("segment=browser=Safari"), 1e-9);
        assertEquals(0.5, broken.get("segment=os=iOS"), 1e-9, "18/120 over 72/240");
        assertEquals(2.0 / 3, broken.get("segment=device=mobile"), 1e-9, "36/180 over 108/360");
        assertEquals(List.of("segment=browser=Safari"), collapsed(ch, safariBroken));
    }

    @Test
    void segmentConversionLeavesACheckoutBrokenForEveryoneToThatAlert(ClickHouseService ch) {
        String everyone = segments(ch, new int[] {60, 60, 60, 60}, new int[] {0, 0, 0, 0});
        assertEquals(List.of(), collapsed(ch, everyone), "no segment held: not a segment's problem");
        assertTrue(fires(ch, everyone, "clickstream-checkout-broken"), "that one fires instead");

        String quiet = segments(ch, new int[] {40, 60, 60, 60}, new int[] {0, 18, 18, 18});
        assertEquals(List.of(), collapsed(ch, quiet), "40 carts in 15 minutes are too few to judge");
    }

    /**
     * {@code count} sessions of {@code campaign} ('' for none) starting one every {@code stepMillis}
     * from {@code start}, each a page view; the first {@code buyers} buy 30 seconds after it.
     */
    private static void campaignSessions(
            ClickHouseService ch, String db, String campaign, int count, Instant start, long stepMillis, int buyers) {
        String time =
                "addMilliseconds(fromUnixTimestamp64Milli(" + start.toEpochMilli() + "), number * " + stepMillis + ")";
        String session = "concat('" + campaign + "-', toString(number), '-', toString(" + start.toEpochMilli() + "))";
        String columns = " (event_id, event_type, user_id, product_id, price, timestamp, session_id, category, device,"
                + " browser, os, utm_campaign, kafka_topic, kafka_partition, kafka_offset) ";
        ch.execute("INSERT INTO " + db + ".events" + columns + "SELECT generateUUIDv4(), 'page_view', " + session
                + ", 'prod_1', 9.99, " + time + ", " + session + ", 'c', 'mobile', 'Chrome', 'Android', '" + campaign
                + "', 'alert-test', 0, number FROM numbers(" + count + ")");
        ch.execute("INSERT INTO " + db + ".events" + columns + "SELECT generateUUIDv4(), 'purchase', " + session
                + ", 'prod_1', 9.99, addSeconds(" + time + ", 30), " + session
                + ", 'c', 'mobile', 'Chrome', 'Android', '"
                + campaign + "', 'alert-test', 0, number FROM numbers(" + buyers + ")");
    }

    /** The campaigns whose instance meets the threshold at {@code TO}, and every campaign's value. */
    private static Map<String, Double> campaigns(ClickHouseService ch, String db) {
        return AlertEvaluation.values(ch, db, RULES.get("clickstream-campaign-conversion"), TO);
    }

    /**
     * A baseline hour (10:45–11:45) of 200 sessions without a campaign (60 buy) and 40 of "steady"
     * (8 buy); then 15 minutes of 100 sessions without a campaign, 30 of them buying.
     */
    private static String campaignBaseline(ClickHouseService ch) {
        String db = freshDatabase(ch);
        campaignSessions(ch, db, "", 200, TO.minusSeconds(4490), 18_000, 60);
        campaignSessions(ch, db, "steady", 40, TO.minusSeconds(4480), 90_000, 8);
        campaignSessions(ch, db, "", 100, TO.minusSeconds(890), 8_000, 30);
        return db;
    }

    @Test
    void campaignConversionFiresForACampaignWhoseTrafficRisesWhileItsSessionsDoNotBuy(ClickHouseService ch) {
        Provisioning.AlertRule rule = RULES.get("clickstream-campaign-conversion");
        String surge = campaignBaseline(ch);
        // "promo": 60 sessions in the last 15 minutes (none in the hour before), 1 buys:
        // (1/60) / (30/100) = 0.056; "steady" holds its 10 sessions per 15 minutes, 2 buying
        campaignSessions(ch, surge, "promo", 60, TO.minusSeconds(880), 14_000, 1);
        campaignSessions(ch, surge, "steady", 10, TO.minusSeconds(870), 80_000, 2);
        Map<String, Double> values = campaigns(ch, surge);
        assertEquals(Map.of("campaign=promo", 1.0 / 60 / (32.0 / 110), "campaign=steady", 1.0), values);
        assertEquals(
                List.of("campaign=promo"),
                values.entrySet().stream()
                        .filter(e -> rule.fires(e.getValue()))
                        .map(Map.Entry::getKey)
                        .toList());

        // The same 60 sessions, 20 buying: (20/60) / (32/110) = 1.15, no alarm.
        String converting = campaignBaseline(ch);
        campaignSessions(ch, converting, "promo", 60, TO.minusSeconds(880), 14_000, 20);
        assertTrue(!rule.fires(campaigns(ch, converting).get("campaign=promo")));

        // 40 sessions are too few to judge; a campaign that always brought as many is not rising.
        String few = campaignBaseline(ch);
        campaignSessions(ch, few, "promo", 40, TO.minusSeconds(880), 20_000, 0);
        assertEquals(1.0, campaigns(ch, few).get("campaign=promo"));
        String always = campaignBaseline(ch);
        campaignSessions(ch, always, "promo", 240, TO.minusSeconds(4470), 15_000, 0);
        campaignSessions(ch, always, "promo", 60, TO.minusSeconds(880), 14_000, 0);
        assertEquals(1.0, campaigns(ch, always).get("campaign=promo"), "60 in 15 minutes after 240 in the hour");
    }
}
