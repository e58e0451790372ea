package io.clickstream.producer.simulation;

import io.clickstream.model.ClickEvent;
import io.clickstream.producer.EventSource;
import java.time.Duration;
import java.time.Instant;

/**
 * Simulated history: the shoppers of {@link SimulatedSource} over the {@code length} before
 * {@code end}, each event stamped at its place on the rate schedule (incidents and traffic drops
 * included, timed from the start of the history), all due at once so they are sent as fast as
 * Kafka takes them. Exhausted when the schedule reaches {@code end}. Gives a dashboard hours or
 * days of data in seconds, and lets a test stage an incident's minutes without waiting for them.
 */
public final class BackfillSource implements EventSource {
    private final SimulatedSource shoppers;
    private final Instant start;
    private final long lengthNanos;
    private long due;

    public BackfillSource(SimulationOptions options, double rate, Duration length, Instant end) {
        this.shoppers = new SimulatedSource(options, rate);
        this.start = end.minus(length);
        this.lengthNanos = length.toNanos();
    }

    @Override
    public long nextDueNanos() {
        due = shoppers.nextDueNanos();
        return due >= lengthNanos ? -1 : 0;
    }

    @Override
    public boolean unthrottled() {
        return true;
    }

    @Override
    public ClickEvent take(Instant now) {
        return shoppers.take(start.plusNanos(due)); // stamped at its place in the history, not now
    }
}
