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

    /** Sessions per landing channel, and how many of them bought, of simulated events. */
    private static Map<String, int[]> conversionByChannel(List<ClickEvent> events, boolean people) {
        Map<String, String> channelOf = new HashMap<>();
        Map<String, Boolean> bought = new HashMap<>();
        for (ClickEvent e : events) {
            if (people && e.traffic().bot()) {
                continue;
            }
            channelOf.putIfAbsent(
                    e.sessionId(),
                    e.traffic().utmCampaign() != null
                            ? e.traffic().channel() + "/" + e.traffic().utmCampaign()
                            : e.traffic().channel());
            bought.merge(e.sessionId(), e.eventType() == EventType.PURCHASE, Boolean::logicalOr);
        }
        Map<String, int[]> byChannel = new HashMap<>();
        channelOf.forEach((session, channel) -> {
            int[] counts = byChannel.computeIfAbsent(channel, c -> new int[2]);
            counts[0]++;
            counts[1] += bought.get(session) ? 1 : 0;
        });
        return byChannel;
    }

    private static double rate(int[] counts) {
        return counts[1] / (double) counts[0];
    }

    @Test
    void shoppersFromTheNewsletterBuyMoreThanThoseFromSocialNetworksAndTheShopsConversionStaysTheConfiguredOne() {
        List<ClickEvent> events = simulate(300_000);
        Map<String, int[]> byChannel = conversionByChannel(events, true);
        double email = rate(byChannel.get("email/weekly-deals"));
        double social = rate(byChannel.get("organic_social"));
        double direct = rate(byChannel.get("direct"));
        assertTrue(email > 2 * social, "email " + email + " vs organic social " + social);
        assertTrue(direct > social && email > direct, "direct " + direct);
        long carts = events.stream()
                .filter(e -> e.eventType() == EventType.ADD_TO_CART)
                .count();
        long purchases =
                events.stream().filter(e -> e.eventType() == EventType.PURCHASE).count();
        assertEquals(0.3, purchases / (double) carts, 0.03, "purchases per cart overall");
    }

    @Test
    void crawlersAreAFewVisitorsThatOnlyViewPagesFlaggedAsBots() {
        List<ClickEvent> events = simulate(200_000);
        Set<String> crawlers = new HashSet<>();
        Set<String> users = new HashSet<>();
        for (ClickEvent e : events) {
            users.add(e.userId());
            if (e.traffic().bot()) {
                crawlers.add(e.userId());
                assertEquals(EventType.PAGE_VIEW, e.eventType(), "a crawler only views");
                assertEquals("robot", e.device());
                assertTrue(List.of("Googlebot", "Bingbot").contains(e.browser()), e.browser());
                assertNull(e.customerId());
                assertTrue(
                        List.of("direct", "internal").contains(e.traffic().channel()),
                        e.traffic().channel());
            } else {
                assertNotEquals("robot", e.device());
            }
        }
        assertTrue(
                crawlers.size() >= 3 && crawlers.size() <= 25,
                crawlers.size() + " crawlers of " + users.size() + " visitors (2% expected)");
    }

    @Test
    void aCampaignSurgeFloodsTheShopWithSessionsThatAlmostNeverBuy() {
        SimulationOptions options = SimulationOptions.defaults(7)
                .withScenario(
                        Scenario.CAMPAIGN_SURGE, java.time.Duration.ofMinutes(10), java.time.Duration.ofMinutes(20));
        long minute = 60_000_000_000L;
        assertEquals(100.0, options.rateAt(100, 9 * minute));
        assertEquals(500.0, options.rateAt(100, 10 * minute), "five times the traffic");
        assertEquals(100.0, options.rateAt(100, 20 * minute));

        UserSessionSimulator simulator = new UserSessionSimulator(options);
        List<ClickEvent> before = new ArrayList<>();
        List<ClickEvent> during = new ArrayList<>();
        for (int i = 0; i < 400_000; i++) {
            long offset = i < 200_000 ? 0 : 15 * minute; // before, then during the surge
            ClickEvent e = simulator.next(offset, T.plusMillis(i * 10L));
            (i < 200_000 ? before : during).add(e);
        }
        assertNull(conversionByChannel(before, true).get("paid_social/flash-promo"), "no surge campaign before");
        Map<String, int[]> surge = conversionByChannel(during.subList(50_000, during.size()), true);
        int[] promo = surge.get("paid_social/flash-promo");
        int sessions = surge.values().stream().mapToInt(c -> c[0]).sum();
        assertEquals(
                0.8, promo[0] / (double) sessions, 0.05, "four in five new sessions: " + promo[0] + " of " + sessions);
        assertTrue(rate(promo) < 0.01, "almost no purchases: " + rate(promo));
        assertTrue(rate(surge.get("direct")) > 0.05, "the other shoppers still buy: " + rate(surge.get("direct")));
    }
}
