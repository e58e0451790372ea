package io.clickstream.deployment;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A small, fixed shop day, easy to count by hand, for the range 10:00–10:15 UTC:
 * every minute 10 page views (alternating Safari/iOS/mobile and Chrome/Windows/desktop), 2 adds
 * to cart (one per segment), and in minutes 0, 3, 6, 9, 12 one purchase (Chrome only) of
 * 10 × (minute + 1) dollars; plus a few events outside the range that no panel may count.
 * Totals inside the range: 150 views, 30 carts, 5 purchases, revenue 350.00.
 */
final class DashboardFixture {
    static final Instant FROM = Instant.parse("2026-11-25T10:00:00Z");
    static final Instant TO = Instant.parse("2026-11-25T10:15:00Z");
    static final long INTERVAL_SECONDS = 60;

    private DashboardFixture() {}

    static List<FixtureEvent> events() {
        List<FixtureEvent> events = new ArrayList<>();
        int k = 0;
        for (int m = 0; m < 15; m++) {
            Instant minute = FROM.plusSeconds(60L * m);
            for (int i = 0; i < 10; i++) {
                int product = 1 + (i * i + m) % 5;
                events.add(event(
                        "page_view",
                        "user_" + (m * 10 + i) % 7,
                        m,
                        product,
                        minute.plusSeconds(1 + 6L * i),
                        k++,
                        i % 2 == 0));
            }
            events.add(event("add_to_cart", "user_" + m % 7, m, 1 + m % 3, minute.plusSeconds(20), k++, true));
            events.add(event("add_to_cart", "user_" + (m + 3) % 7, m, 1 + m % 3, minute.plusSeconds(40), k++, false));
            if (m % 3 == 0) {
                FixtureEvent purchase = event(
                        "purchase", "user_" + (m + 3) % 7, m, 1 + (m / 3) % 2, minute.plusSeconds(30), k++, false);
                events.add(withPrice(purchase, BigDecimal.valueOf(10L * (m + 1)).setScale(2)));
            }
        }
        // Outside the range: before it, and after it.
        for (int i = 0; i < 3; i++) {
            events.add(event(
                    "page_view",
                    "user_9",
                    99,
                    5,
                    Instant.parse("2026-11-25T09:50:10Z").plusSeconds(i),
                    k++,
                    true));
        }
        for (int i = 0; i < 2; i++) {
            events.add(withPrice(
                    event(
                            "purchase",
                            "user_9",
                            99,
                            5,
                            Instant.parse("2026-11-25T10:20:00Z").plusSeconds(i),
                            k++,
                            false),
                    new BigDecimal("999.99")));
        }
        return events;
    }

    private static FixtureEvent event(
            String type, String user, int minute, int product, Instant at, int k, boolean safari) {
        Instant ingested = at.plusMillis(200 + 100L * (k % 10)); // 0.2 .. 1.1 s after the event
        return new FixtureEvent(
                type,
                user,
                "sess_" + user + "_" + minute / 5,
                "prod_" + product,
                "category_" + (char) ('a' + product - 1),
                BigDecimal.valueOf(5L * product).setScale(2),
                at,
                ingested,
                safari ? "mobile" : "desktop",
                safari ? "iOS" : "Windows",
                safari ? "Safari" : "Chrome");
    }

    private static FixtureEvent withPrice(FixtureEvent e, BigDecimal price) {
        return new FixtureEvent(
                e.type(),
                e.userId(),
                e.sessionId(),
                e.productId(),
                e.category(),
                price,
                e.timestamp(),
                e.ingestedAt(),
                e.device(),
                e.os(),
                e.browser());
    }
}
