package io.clickstream.producer.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UserSessionSimulatorTest {
    private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");
    private static final long TEN_MS = 10_000_000L;

    private static List<ClickEvent> simulate(SimulationOptions options, int count) {
        UserSessionSimulator simulator = new UserSessionSimulator(options);
        List<ClickEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(simulator.next(i * TEN_MS, T.plusMillis(i * 10L))); // 100 events/s of schedule time
        }
        return events;
    }

    private static long count(List<ClickEvent> events, EventType type) {
        return events.stream().filter(e -> e.eventType() == type).count();
    }

    @Test
    void funnelRatiosMatchTheConfiguration() {
        List<ClickEvent> events = simulate(SimulationOptions.defaults(11), 200_000);
        double carts = count(events, EventType.ADD_TO_CART);
        double views = count(events, EventType.PAGE_VIEW);
        double purchases = count(events, EventType.PURCHASE);
        assertEquals(0.08, carts / views, 0.008, "carts per view");
        assertEquals(0.30, purchases / carts, 0.03, "purchases per cart");
        assertTrue(views / events.size() > 0.85, "most events are page views");
        assertEquals(0, count(events, EventType.REMOVE_FROM_CART), "the simulator does not remove from carts");
    }

    @Test
    void usesEveryUserRoughlyEvenlyWithStableEnrichment() {
        List<ClickEvent> events = simulate(SimulationOptions.defaults(5), 100_000);
        Map<String, Integer> perUser = new HashMap<>();
        Map<String, String> profile = new HashMap<>();
        for (ClickEvent e : events) {
            perUser.merge(e.userId(), 1, Integer::sum);
            String traits = e.device() + "/" + e.os() + "/" + e.browser();
            assertEquals(profile.computeIfAbsent(e.userId(), u -> traits), traits, "a user's device never changes");
            assertTrue(e.sessionId() != null && e.category() != null, "every simulated event is enriched");
        }
        assertEquals(500, perUser.size());
        int min = perUser.values().stream().mapToInt(Integer::intValue).min().orElseThrow();
        int max = perUser.values().stream().mapToInt(Integer::intValue).max().orElseThrow();
        assertTrue(min > 120 && max < 290, "about 200 events per user, was " + min + ".." + max);
        assertTrue(perUser.keySet().stream().allMatch(u -> u.matches("user_\\d{4}")));
    }

    @Test
    void everyPurchaseFollowsACartOfTheSameProductInTheSameSession() {
        List<ClickEvent> events = simulate(SimulationOptions.defaults(8), 100_000);
        Map<String, ClickEvent> lastByUser = new HashMap<>();
        int purchases = 0;
        for (ClickEvent e : events) {
            ClickEvent previous = lastByUser.put(e.userId(), e);
            if (e.eventType() == EventType.PURCHASE) {
                purchases++;
                assertEquals(EventType.ADD_TO_CART, previous.eventType());
                assertEquals(previous.productId(), e.productId());
                assertEquals(previous.sessionId(), e.sessionId());
                assertEquals(previous.price(), e.price());
            }
        }
        assertTrue(purchases > 100);
    }

    @Test
    void sameSeedSameSequence() {
        List<ClickEvent> a = simulate(SimulationOptions.defaults(99), 5_000);
        List<ClickEvent> b = simulate(SimulationOptions.defaults(99), 5_000);
        assertEquals(a, b);
        List<ClickEvent> c = simulate(SimulationOptions.defaults(100), 5_000);
        assertTrue(!a.get(0).eventId().equals(c.get(0).eventId()), "another seed, other events");
    }

    @Test
    void checkoutOutageStopsPurchasesOnlyWhileActive() {
        SimulationOptions options = SimulationOptions.defaults(4)
                .withScenario(Scenario.CHECKOUT_OUTAGE, Duration.ofSeconds(300), Duration.ofSeconds(600));
        List<ClickEvent> events = simulate(options, 90_000); // 900 s of schedule time
        List<ClickEvent> before = events.subList(0, 30_000);
        List<ClickEvent> during = events.subList(30_000, 60_000);
        List<ClickEvent> after = events.subList(60_000, 90_000);
        assertTrue(count(before, EventType.PURCHASE) > 100);
        assertEquals(0, count(during, EventType.PURCHASE));
        assertTrue(count(during, EventType.ADD_TO_CART) > 1_000, "browsing and carts continue");
        assertTrue(count(after, EventType.PURCHASE) > 100, "purchases resume");
    }

    @Test
    void segmentBugStopsPurchasesForThatSegmentOnly() {
        SimulationOptions options =
                SimulationOptions.defaults(6).withScenario(Scenario.SEGMENT_BUG, Duration.ZERO, null);
        List<ClickEvent> events = simulate(options, 100_000);
        long safari = events.stream()
                .filter(e -> e.eventType() == EventType.PURCHASE && "Safari".equals(e.browser()))
                .count();
        long others = events.stream()
                .filter(e -> e.eventType() == EventType.PURCHASE && !"Safari".equals(e.browser()))
                .count();
        long safariCarts = events.stream()
                .filter(e -> e.eventType() == EventType.ADD_TO_CART && "Safari".equals(e.browser()))
                .count();
        assertEquals(0, safari);
        assertTrue(safariCarts > 500, "Safari users still add to cart");
        assertTrue(others > 1_000);
    }
}
