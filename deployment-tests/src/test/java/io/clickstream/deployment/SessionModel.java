package io.clickstream.deployment;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sessions computed directly from raw events in plain Java, the way the dashboard defines
 * them, to check the sessions rollup and its panels against: per session its start, counts,
 * revenue, the value of its carts and of its removals from the cart, its segment, and the furthest step of page view → add to
 * cart → purchase reached in order within 30 minutes (ClickHouse's windowFunnel, default mode:
 * a later page view restarts the chain's clock, a step counts if the previous step was reached
 * and it lies within the window of that chain's page view).
 */
final class SessionModel {
    static final Duration FUNNEL_WINDOW = Duration.ofMinutes(30);

    record Session(
            String id,
            Instant started,
            long events,
            long pageViews,
            long carts,
            long removals,
            long purchases,
            BigDecimal revenue,
            BigDecimal cartValue,
            BigDecimal removedValue,
            String segment,
            int level) {}

    /** The panels' figures over sessions that started in a range. */
    record Summary(long sessions, Double bounceRatePct, Double abandonmentPct, BigDecimal abandonedValue, Double aov) {}

    private SessionModel() {}

    static Map<String, Session> sessions(List<FixtureEvent> events) {
        Map<String, List<FixtureEvent>> bySession = new LinkedHashMap<>();
        for (FixtureEvent e : events) {
            bySession.computeIfAbsent(e.sessionId(), k -> new ArrayList<>()).add(e);
        }
        Map<String, Session> sessions = new TreeMap<>();
        bySession.forEach((id, list) -> {
            list.sort(Comparator.comparing(FixtureEvent::timestamp));
            FixtureEvent first = list.get(0);
            sessions.put(
                    id,
                    new Session(
                            id,
                            first.timestamp(),
                            list.size(),
                            count(list, "page_view"),
                            count(list, "add_to_cart"),
                            count(list, "remove_from_cart"),
                            count(list, "purchase"),
                            sum(list, "purchase"),
                            sum(list, "add_to_cart"),
                            sum(list, "remove_from_cart"),
                            first.device() + "/" + first.browser() + "/" + first.os(),
                            funnelLevel(list)));
        });
        return sessions;
    }

    /** windowFunnel(30 min)(page_view, add_to_cart, purchase) over a session's events in time order. */
    static int funnelLevel(List<FixtureEvent> ordered) {
        String[] steps = {"page_view", "add_to_cart", "purchase"};
        Instant[] chainStart = new Instant[steps.length]; // the page view each reached step belongs to
        for (FixtureEvent e : ordered) {
            int step = List.of(steps).indexOf(e.type());
            if (step == 0) {
                chainStart[0] = e.timestamp();
            } else if (step > 0 && chainStart[step - 1] != null) {
                Instant start = chainStart[step - 1];
                if (!e.timestamp().isAfter(start.plus(FUNNEL_WINDOW))) {
                    chainStart[step] = start;
                    if (step == steps.length - 1) {
                        return steps.length;
                    }
                }
            }
        }
        for (int level = steps.length; level > 0; level--) {
            if (chainStart[level - 1] != null) {
                return level;
            }
        }
        return 0;
    }

    static List<Session> startedIn(Map<String, Session> sessions, Instant from, Instant to) {
        return sessions.values().stream()
                .filter(s -> !s.started().isBefore(from) && !s.started().isAfter(to))
                .toList();
    }

    static Summary summary(List<Session> sessions) {
        long withCart = sessions.stream().filter(s -> s.carts() > 0).count();
        long abandoned = sessions.stream().filter(SessionModel::abandoned).count();
        long bounced = sessions.stream()
                .filter(s -> s.events() == 1 && s.pageViews() == 1)
                .count();
        BigDecimal abandonedValue = sessions.stream()
                .filter(SessionModel::abandoned)
                .map(s -> s.cartValue().subtract(s.removedValue()).max(BigDecimal.ZERO))
                .reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal revenue = sessions.stream().map(Session::revenue).reduce(BigDecimal.ZERO, BigDecimal::add);
        long purchases = sessions.stream().mapToLong(Session::purchases).sum();
        return new Summary(
                sessions.size(),
                percent(bounced, sessions.size()),
                percent(abandoned, withCart),
                abandonedValue,
                purchases == 0 ? null : revenue.doubleValue() / purchases);
    }

    /**
     * Added to the cart, bought nothing, and did not take every item out again (items, not money:
     * an item added at 50 and removed at 45 is not an abandoned cart worth 5).
     */
    static boolean abandoned(Session s) {
        return s.carts() > 0 && s.purchases() == 0 && s.carts() > s.removals();
    }

    /** Per segment: sessions that reached a page view, an add to cart, a purchase (in order). */
    static Map<String, long[]> funnelBySegment(List<Session> sessions) {
        Map<String, long[]> bySegment = new TreeMap<>();
        for (Session s : sessions) {
            long[] counts = bySegment.computeIfAbsent(s.segment(), k -> new long[3]);
            for (int step = 0; step < s.level(); step++) {
                counts[step]++;
            }
        }
        return bySegment;
    }

    /** {@code 100 * part / whole}, unrounded (the panels round to 0.1), or null without a whole. */
    static Double percent(long part, long whole) {
        return whole == 0 ? null : 100.0 * part / whole;
    }

    private static long count(List<FixtureEvent> events, String type) {
        return events.stream().filter(e -> e.type().equals(type)).count();
    }

    private static BigDecimal sum(List<FixtureEvent> events, String type) {
        return events.stream()
                .filter(e -> e.type().equals(type))
                .map(FixtureEvent::price)
                .reduce(BigDecimal.ZERO, BigDecimal::add);
    }
}
