package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.collector.traffic.Channels;
import io.clickstream.collector.traffic.ReferrerList;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.Traffic;
import io.clickstream.producer.simulation.SimulationOptions;
import io.clickstream.producer.simulation.UserSessionSimulator;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The simulator says of its shoppers' channels what the collector would derive from the same
 * page, referrer and campaign: simulated and collected traffic land in the same dashboard rows.
 */
class SimulatedChannelsTest {
    @Test
    void everySimulatedChannelIsTheOneTheCollectorDerives() {
        Channels channels = new Channels(ReferrerList.bundled());
        UserSessionSimulator simulator = new UserSessionSimulator(SimulationOptions.defaults(3));
        Instant at = Instant.parse("2026-11-25T12:00:00Z");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 50_000; i++) {
            ClickEvent e = simulator.next(i * 10_000_000L, at.plusMillis(i * 10L));
            Traffic t = e.traffic();
            assertEquals(
                    channels.of(t.page(), t.referrer(), t.utmSource(), t.utmMedium(), t.paidClick()),
                    t.channel(),
                    "event " + i + ": " + t);
            seen.add(t.channel());
        }
        assertTrue(
                seen.containsAll(Traffic.CHANNELS.stream()
                        .filter(c -> !c.equals("paid_other"))
                        .toList()),
                seen.toString());
    }
}
