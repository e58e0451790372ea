package io.clickstream.producer.simulation;

import io.clickstream.model.ClickEvent;
import io.clickstream.producer.EventSource;
import io.clickstream.producer.pacing.RateSchedule;
import java.time.Instant;

/** Simulated shoppers at a target rate, dropping to {@code rate × dropFactor} during a traffic-drop incident. */
public final class SimulatedSource implements EventSource {
    private final UserSessionSimulator simulator;
    private final RateSchedule schedule;
    private final boolean unthrottled;
    private long due;

    public SimulatedSource(SimulationOptions options, double rate) {
        this.simulator = new UserSessionSimulator(options);
        this.unthrottled = rate <= 0;
        this.schedule = new RateSchedule(
                offset -> options.scenarioActive(Scenario.TRAFFIC_DROP, offset) ? rate * options.dropFactor() : rate);
    }

    @Override
    public long nextDueNanos() {
        due = schedule.nextDueNanos();
        return due;
    }

    @Override
    public boolean unthrottled() {
        return unthrottled;
    }

    @Override
    public ClickEvent take(Instant now) {
        return simulator.next(due, now);
    }
}
