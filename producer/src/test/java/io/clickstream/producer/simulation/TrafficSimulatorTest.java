package io.clickstream.producer.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.model.Traffic;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The simulated shoppers' traffic: sources in their shares, sessions that keep their campaign, pages and customers. */
class TrafficSimulatorTest {
    private static final Instant T = Instant.parse("2026-11-25T12:00:00Z");

    private static List<ClickEvent> simulate(int count) {
        UserSessionSimulator simulator = new UserSessionSimulator(SimulationOptions.defaults(7));
        List<ClickEvent> events = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            events.add(simulator.next(i * 10_000_000L, T.plusMillis(i * 10L)));
        }
        return events;
    }

    @Test
    void sessionsArriveThroughEachSourceInItsShareAndKeepTheirCampaign() throws Exception {
        List<ClickEvent> events = simulate(200_000);
        EventCodec codec = new EventCodec();
        Map<String, List<ClickEvent>> bySession = new LinkedHashMap<>();
        for (ClickEvent e : events) {
            codec.validate(e);
            bySession.computeIfAbsent(e.sessionId(), s -> new ArrayList<>()).add(e);
        }
        Map<String, Integer> landingChannels = new HashMap<>();
        for (List<ClickEvent> session : bySession.values()) {
            Traffic landing = session.get(0).traffic();
            landingChannels.merge(landing.channel(), 1, Integer::sum);
            for (ClickEvent e : session.subList(1, session.size())) {
                Traffic t = e.traffic();
                assertEquals(landing.utmSource(), t.utmSource(), "the campaign stays with the session");
                assertEquals(landing.utmCampaign(), t.utmCampaign());
                assertEquals(landing.paidClick(), t.paidClick());
                if (landing.utmSource() == null && !t.pageViewId().equals(landing.pageViewId())) {
                    assertEquals("internal", t.channel(), "a later page without a campaign");
                    assertTrue(t.referrer().startsWith(TrafficSimulator.SHOP + "/products/"), t.referrer());
                } else if (landing.utmSource() != null) {
                    assertEquals(landing.channel(), t.channel(), "a campaign's channel on every page");
                }
            }
        }
        int sessions = bySession.size();
        int total = TrafficSimulator.SOURCES.stream()
                .mapToInt(TrafficSimulator.Source::weight)
                .sum();
        Map<String, Integer> expected = new HashMap<>();
        TrafficSimulator.SOURCES.forEach(s -> expected.merge(s.landingChannel(), s.weight(), Integer::sum));
        expected.forEach((channel, weight) -> assertEquals(
                (double) weight / total,
                landingChannels.getOrDefault(channel, 0) / (double) sessions,
                0.02,
                channel + " share of " + sessions + " sessions"));
    }

    @Test
    void aPageViewOpensAPageWhoseEventsShareItsIdAndCustomersAreKnownFromTheirFirstCart() {
        List<ClickEvent> events = simulate(100_000);
        Map<String, String> lastPageView = new HashMap<>();
        Set<String> pageViewIds = new HashSet<>();
        Map<String, Boolean> carted = new HashMap<>();
        int customers = 0;
        for (ClickEvent e : events) {
            Traffic t = e.traffic();
            assertNotNull(t.country());
            assertTrue(t.page().startsWith(TrafficSimulator.SHOP + "/products/"));
            if (e.eventType() == EventType.PAGE_VIEW) {
                assertTrue(pageViewIds.add(t.pageViewId()), "one id per page view");
                assertEquals(TrafficSimulator.SHOP + "/products/" + e.productId(), t.page());
                lastPageView.put(e.userId(), t.pageViewId());
            } else if (lastPageView.containsKey(e.userId())) {
                assertEquals(lastPageView.get(e.userId()), t.pageViewId(), "a cart happens on the page open");
            }
            if (e.customerId() != null) {
                customers++;
                assertEquals("cust_" + e.userId().substring(5), e.customerId());
                assertTrue(
                        e.eventType() == EventType.ADD_TO_CART || carted.getOrDefault(e.userId(), false),
                        "known from the first cart on");
            }
            if (e.eventType() == EventType.ADD_TO_CART) {
                carted.put(e.userId(), true);
            }
        }
        assertTrue(customers > 0);
        assertNull(events.get(0).properties().values().get("x"));
        assertNotEquals(0, pageViewIds.size());
    }
}
