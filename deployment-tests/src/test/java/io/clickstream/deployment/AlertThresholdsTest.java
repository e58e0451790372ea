package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import io.clickstream.producer.simulation.BackfillSource;
import io.clickstream.producer.simulation.SimulationOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Where the alert thresholds come from: the simulator's normal traffic (default settings, 100
 * events/s, three seeds, 24 hours each), measured per minute with the windows the provisioned
 * rules use, must stay well clear of every threshold. The numbers are printed and recorded in
 * docs/alerts.md; if a change to the simulator moves them towards a threshold, this fails.
 */
class AlertThresholdsTest {
    private static final int HOURS = 24;
    private static final int MINUTES = HOURS * 60;

    /**
     * Per minute: adds to cart, purchases, all events; per segment: carts and purchases; per
     * campaign ('' for none): sessions started, and how many of them bought (at any time).
     */
    private static final class Counts {
        final long[][] all = new long[MINUTES][3];
        final Map<String, long[][]> segments = new HashMap<>();
        final Map<String, long[][]> campaigns = new HashMap<>();
    }

    /** A session's start minute, first campaign, and whether it bought. */
    private record Session(int minute, String campaign, boolean bought) {}

    private static Counts simulate(long seed) {
        Instant end = Instant.parse("2026-11-26T00:00:00Z");
        Instant start = end.minus(Duration.ofHours(HOURS));
        BackfillSource source = new BackfillSource(SimulationOptions.defaults(seed), 100, Duration.ofHours(HOURS), end);
        Counts counts = new Counts();
        Map<String, Session> sessions = new HashMap<>();
        while (source.nextDueNanos() >= 0) {
            ClickEvent e = source.take(end);
            if (e.traffic().bot()) {
                continue; // the rollups leave bots out
            }
            int minute = (int) Duration.between(start, e.timestamp()).toMinutes();
            String campaign =
                    e.traffic().utmCampaign() == null ? "" : e.traffic().utmCampaign();
            sessions.merge(
                    e.sessionId(),
                    new Session(minute, campaign, e.eventType() == EventType.PURCHASE),
                    (first, later) -> new Session(first.minute(), first.campaign(), first.bought() || later.bought()));
            counts.all[minute][2]++;
            int kind = e.eventType() == EventType.ADD_TO_CART ? 0 : e.eventType() == EventType.PURCHASE ? 1 : -1;
            if (kind < 0) {
                continue;
            }
            counts.all[minute][kind]++;
            for (String segment : new String[] {"device=" + e.device(), "browser=" + e.browser(), "os=" + e.os()}) {
                counts.segments.computeIfAbsent(segment, s -> new long[MINUTES][2])[minute][kind]++;
            }
        }
        for (Session s : sessions.values()) {
            long[] minute = counts.campaigns.computeIfAbsent(s.campaign(), c -> new long[MINUTES][2])[s.minute()];
            minute[0]++;
            minute[1] += s.bought() ? 1 : 0;
        }
        return counts;
    }

    private static long sum(long[][] perMinute, int column, int from, int to) {
        long total = 0;
        for (int m = from; m < to; m++) {
            total += perMinute[m][column];
        }
        return total;
    }

    @Test
    void normalTrafficStaysClearOfEveryThreshold() {
        double lowestTraffic = Double.MAX_VALUE;
        long fewestPurchases = Long.MAX_VALUE;
        Map<String, Double> lowestSegment = new TreeMap<>();
        Map<String, Double> lowestCampaign = new TreeMap<>();
        double highestRise = 0;
        for (long seed = 1; seed <= 3; seed++) {
            Counts c = simulate(seed);
            for (int t = 75; t <= MINUTES; t++) {
                // Traffic drop: events/s of the last 5 minutes over those of the hour before.
                double traffic = (sum(c.all, 2, t - 5, t) / 300.0) / (sum(c.all, 2, t - 65, t - 5) / 3600.0);
                lowestTraffic = Math.min(lowestTraffic, traffic);
                // Checkout broken: purchases in the last 10 minutes.
                fewestPurchases = Math.min(fewestPurchases, sum(c.all, 1, t - 10, t));
                // Segment conversion: the last 15 minutes over the hour before, where the rule judges.
                for (Map.Entry<String, long[][]> s : c.segments.entrySet()) {
                    long[][] x = s.getValue();
                    long recentCarts = sum(x, 0, t - 15, t);
                    long baselinePurchases = sum(x, 1, t - 75, t - 15);
                    if (recentCarts < 50 || baselinePurchases < 20) {
                        continue; // the rule answers 1: too little to judge
                    }
                    double ratio = ((double) sum(x, 1, t - 15, t) / recentCarts)
                            / ((double) baselinePurchases / sum(x, 0, t - 75, t - 15));
                    lowestSegment.merge(s.getKey(), ratio, Math::min);
                }
                // Campaign conversion: the share of the campaign's sessions started in the last 15
                // minutes that bought over that of every other session started then (measured
                // whether or not the campaign's traffic rose, which the rule also requires).
                long allRecent = 0;
                long allConverted = 0;
                for (long[][] x : c.campaigns.values()) {
                    allRecent += sum(x, 0, t - 15, t);
                    allConverted += sum(x, 1, t - 15, t);
                }
                for (Map.Entry<String, long[][]> campaign : c.campaigns.entrySet()) {
                    long[][] x = campaign.getValue();
                    long recent = sum(x, 0, t - 15, t);
                    if (campaign.getKey().isEmpty() || recent < 50) {
                        continue;
                    }
                    double ratio = ((double) sum(x, 1, t - 15, t) / recent)
                            / ((double) (allConverted - sum(x, 1, t - 15, t)) / (allRecent - recent));
                    lowestCampaign.merge(campaign.getKey(), ratio, Math::min);
                    highestRise = Math.max(highestRise, recent / (sum(x, 0, t - 75, t - 15) / 4.0));
                }
            }
        }
        System.out.printf(
                "[AlertThresholdsTest] 3 x %d h at 100 events/s: lowest traffic ratio %.3f (alert < 0.5); fewest"
                        + " purchases in 10 minutes %d (alert at 0); lowest segment conversion ratio per segment"
                        + " %s (alert < 0.3); lowest campaign conversion ratio %s (alert < 0.3 when its"
                        + " sessions rose 2x: highest rise %.2f)%n",
                HOURS, lowestTraffic, fewestPurchases, lowestSegment, lowestCampaign, highestRise);
        assertTrue(lowestTraffic >= 0.9, "traffic ratio " + lowestTraffic);
        assertTrue(fewestPurchases >= 500, "purchases in 10 minutes " + fewestPurchases);
        double lowest = lowestSegment.values().stream().min(Double::compare).orElseThrow();
        assertTrue(lowest >= 0.45, "segment conversion ratio " + lowest + " too close to the 0.3 threshold");
        assertEquals(4, lowestCampaign.size(), "every campaign judged: " + lowestCampaign);
        double lowestOfCampaigns =
                lowestCampaign.values().stream().min(Double::compare).orElseThrow();
        assertTrue(lowestOfCampaigns >= 0.45, "campaign conversion ratio " + lowestOfCampaigns);
        assertTrue(highestRise < 1.6, "a campaign's sessions rose " + highestRise + " times in normal traffic");
    }
}
