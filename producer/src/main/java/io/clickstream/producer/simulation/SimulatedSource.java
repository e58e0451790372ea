package io.clickstream.producer.simulation;

import io.clickstream.model.ClickEvent;
import io.clickstream.producer.EventSource;
import io.clickstream.producer.pacing.RateSchedule;
import java.time.Instant;

/** Simulated shoppers at a target rate, lower during a traffic drop, higher during a campaign surge ({@link SimulationOptions#rateAt}). */
public final class SimulatedSource implements EventSource {
    private final UserSessionSimulator simulator;
    private final RateSchedule schedule;
    private final boolean unthrottled;
    private long due;

    public SimulatedSource(SimulationOptions options, double rate) {
        this.simulator = new UserSessionSimulator(options);
        this.unthrottled = rate <= 0;
        this.schedule = new RateSchedule(offset -> options.rateAt(rate, offset));
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
