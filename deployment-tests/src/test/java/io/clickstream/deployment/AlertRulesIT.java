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
        String time =
                "addMilliseconds(fromUnixTimestamp64Milli(" + start.toEpochMilli() + "), number * " + stepMillis + ")";
        ch.execute("INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                + " session_id, category, device, browser, os, kafka_topic, kafka_partition, kafka_offset, ingested_at)"
                + " SELECT generateUUIDv4(), '" + type + "', concat('user_', toString(number % 50)), 'prod_1', 9.99, "
                + time + ","
                + " 's', 'c', 'mobile', 'Chrome', 'Android', 'alert-test', 0, number, addMilliseconds(" + time + ", "
                + storedAfterMillis + ") FROM numbers(" + count + ")");
    }

    /** Evaluates a rule as Grafana would at {@code TO}: query, last value, threshold. */
    private static boolean fires(ClickHouseService ch, String db, String uid) {
        Provisioning.AlertRule rule = RULES.get(uid);
        String sql =
                GrafanaMacros.expand(rule.sql(), TO.minusSeconds(3900), TO, 60).replace("clickstream.", db + ".");
        List<Map<String, String>> rows = ch.queryRows(sql);
        assertEquals(1, rows.size(), rule.title() + " returns one row");
        double value = Double.parseDouble(rows.get(0).values().iterator().next());
        return rule.fires(value);
    }

    private static String freshDatabase(ClickHouseService ch) {
        return Schema.apply(ch, "alerts_" + Long.toHexString(System.nanoTime()));
    }

    @Test
    void theThreeRulesAreProvisioned() {
        assertEquals(
                List.of("clickstream-checkout-broken", "clickstream-stale-data", "clickstream-traffic-drop"),
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
        assertTrue(fires(ch, stale, "clickstream-stale-data"));

        String fresh = freshDatabase(ch);
        insert(ch, fresh, "page_view", 10, now.minusSeconds(10), 500); // newest 5.5 s old
        assertTrue(!fires(ch, fresh, "clickstream-stale-data"));

        assertTrue(fires(ch, freshDatabase(ch), "clickstream-stale-data"), "nothing at all is stale too");

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
        assertTrue(fires(ch, stalled, "clickstream-stale-data"), "an event stamped ahead hides nothing");
    }
}
