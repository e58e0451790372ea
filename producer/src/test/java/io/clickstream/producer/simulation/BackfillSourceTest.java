package io.clickstream.producer.simulation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BackfillSourceTest {
    private static final Instant END = Instant.parse("2026-11-26T12:00:00Z");

    private static List<ClickEvent> drain(BackfillSource source) {
        List<ClickEvent> events = new ArrayList<>();
        while (source.nextDueNanos() >= 0) {
            events.add(source.take(Instant.parse("2030-01-01T00:00:00Z"))); // the wall clock is ignored
        }
        return events;
    }

    @Test
    void historyAtTheRateEndsAtTheGivenInstantAndIsAllDueAtOnce() {
        BackfillSource source = new BackfillSource(SimulationOptions.defaults(1), 50, Duration.ofMinutes(10), END);
        assertTrue(source.unthrottled());
        List<ClickEvent> events = drain(source);
        assertEquals(30_000, events.size(), "10 minutes at 50 events/s");
        assertEquals(END.minus(Duration.ofMinutes(10)), events.get(0).timestamp());
        assertTrue(events.get(events.size() - 1).timestamp().isBefore(END));
        for (int i = 1; i < events.size(); i++) {
            assertTrue(!events.get(i).timestamp().isBefore(events.get(i - 1).timestamp()), "in time order");
        }
    }

    @Test
    void incidentsAreTimedFromTheStartOfTheHistory() {
        SimulationOptions outage = SimulationOptions.defaults(2)
                .withScenario(Scenario.CHECKOUT_OUTAGE, Duration.ofMinutes(20), Duration.ofMinutes(30));
        List<ClickEvent> events = drain(new BackfillSource(outage, 100, Duration.ofMinutes(40), END));
        Instant from = END.minus(Duration.ofMinutes(20));
        Instant to = END.minus(Duration.ofMinutes(10));
        long during = events.stream()
                .filter(e -> e.eventType() == EventType.PURCHASE)
                .filter(e -> !e.timestamp().isBefore(from) && e.timestamp().isBefore(to))
                .count();
        long outside =
                events.stream().filter(e -> e.eventType() == EventType.PURCHASE).count();
        assertEquals(0, during, "no purchase between minutes 20 and 30 of the history");
        assertTrue(outside > 1_000, "purchases before and after: " + outside);
    }

    @Test
    void aTrafficDropThinsTheHistory() {
        SimulationOptions drop = SimulationOptions.defaults(3)
                .withScenario(Scenario.TRAFFIC_DROP, Duration.ofMinutes(5), Duration.ofMinutes(10));
        List<ClickEvent> events = drain(new BackfillSource(drop, 100, Duration.ofMinutes(10), END));
        assertEquals(30_000 + 6_000, events.size(), "5 minutes at 100/s, then 5 at 20/s");
    }
}
