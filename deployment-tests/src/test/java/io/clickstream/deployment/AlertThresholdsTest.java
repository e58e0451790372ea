package io.clickstream.deployment;

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

    /** Per minute: adds to cart, purchases, all events; per segment: carts and purchases. */
    private static final class Counts {
        final long[][] all = new long[MINUTES][3];
        final Map<String, long[][]> segments = new HashMap<>();
    }

    private static Counts simulate(long seed) {
        Instant end = Instant.parse("2026-11-26T00:00:00Z");
        Instant start = end.minus(Duration.ofHours(HOURS));
        BackfillSource source = new BackfillSource(SimulationOptions.defaults(seed), 100, Duration.ofHours(HOURS), end);
        Counts counts = new Counts();
        while (source.nextDueNanos() >= 0) {
            ClickEvent e = source.take(end);
            int minute = (int) Duration.between(start, e.timestamp()).toMinutes();
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
            }
        }
        System.out.printf(
                "[AlertThresholdsTest] 3 x %d h at 100 events/s: lowest traffic ratio %.3f (alert < 0.5); fewest"
                        + " purchases in 10 minutes %d (alert at 0); lowest segment conversion ratio per segment"
                        + " %s (alert < 0.3)%n",
                HOURS, lowestTraffic, fewestPurchases, lowestSegment);
        assertTrue(lowestTraffic >= 0.9, "traffic ratio " + lowestTraffic);
        assertTrue(fewestPurchases >= 500, "purchases in 10 minutes " + fewestPurchases);
        double lowest = lowestSegment.values().stream().min(Double::compare).orElseThrow();
        assertTrue(lowest >= 0.45, "segment conversion ratio " + lowest + " too close to the 0.3 threshold");
    }
}
