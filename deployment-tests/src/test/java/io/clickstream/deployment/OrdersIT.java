package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An order is an order, not a purchase row: a checkout of three items sharing an order id is one
 * order, and a purchase without an order id is an order of its own. Hand-counted, through the
 * panels that count orders (live sessions summary, trends revenue and sessions panels).
 */
@ExtendWith(RealServices.class)
class OrdersIT {
    private static final Instant FROM = Instant.parse("2019-10-25T00:00:00Z");
    private static final Instant TO = Instant.parse("2019-10-25T23:59:59Z");

    /** Session a: three items bought in order A-1 (10 + 20 + 30); session b: one of 40 without an order id. */
    private static String insert(String db) {
        return "INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp, session_id,"
                + " order_id, kafka_topic, kafka_partition, kafka_offset) VALUES"
                + " (generateUUIDv4(), 'page_view', 'ua', 'p1', 10, '2019-10-25 10:00:00', 'a', '', 't', 0, 1),"
                + " (generateUUIDv4(), 'purchase', 'ua', 'p1', 10, '2019-10-25 10:01:00', 'a', 'A-1', 't', 0, 2),"
                + " (generateUUIDv4(), 'purchase', 'ua', 'p2', 20, '2019-10-25 10:01:00', 'a', 'A-1', 't', 0, 3),"
                + " (generateUUIDv4(), 'purchase', 'ua', 'p3', 30, '2019-10-25 10:01:00', 'a', 'A-1', 't', 0, 4),"
                + " (generateUUIDv4(), 'purchase', 'ub', 'p4', 40, '2019-10-25 11:00:00', 'b', '', 't', 0, 5)";
    }

    @Test
    void aCheckoutOfThreeItemsIsOneOrder(ClickHouseService ch) {
        String db = Schema.apply(ch, "orders_" + Long.toHexString(System.nanoTime()));
        ch.execute(insert(db));
        // hand count: revenue 10 + 20 + 30 + 40 = 100 over 2 orders (A-1, and b's purchase): 50.00
        Map<String, String> sessions = panel(
                        ch, db, Provisioning.panelQueries(), "Sessions: bounce, cart abandonment, order value")
                .get(0);
        assertEquals("2", sessions.get("sessions"));
        assertEquals("50", sessions.get("average_order_value"));

        Map<String, String> day = panel(
                        ch, db, Provisioning.trendsPanelQueries(), "Revenue, orders and order value per day")
                .get(0);
        assertEquals(0, new BigDecimal("100").compareTo(new BigDecimal(day.get("revenue"))));
        assertEquals("2", day.get("orders"));
        assertEquals("50", day.get("average_order_value"));

        Map<String, String> perSession = panel(
                        ch,
                        db,
                        Provisioning.trendsPanelQueries(),
                        "Sessions, shoppers and orders per 100 sessions, per day")
                .get(0);
        assertEquals("2", perSession.get("sessions"));
        assertEquals("100", perSession.get("orders_per_100_sessions"), "2 orders in 2 sessions");

        // events without a category are shown as "(none)", not as a blank name
        List<Map<String, String>> categories = panel(ch, db, Provisioning.trendsPanelQueries(), "Category KPIs");
        assertEquals(
                List.of("(none)"),
                categories.stream().map(r -> r.get("category")).toList());
        assertEquals(
                List.of("(none)"),
                panel(ch, db, Provisioning.trendsPanelQueries(), "Revenue per day by category").stream()
                        .map(r -> r.get("category"))
                        .toList());
    }

    private static List<Map<String, String>> panel(
            ClickHouseService ch, String db, Map<String, String> queries, String title) {
        String sql = queries.get(title);
        assertEquals(true, sql != null, "no panel " + title);
        return ch.queryRows(GrafanaMacros.expand(sql, FROM, TO, 3600).replace("clickstream.", db + "."));
    }
}
