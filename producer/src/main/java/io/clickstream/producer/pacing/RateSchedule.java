package io.clickstream.producer.pacing;

import java.util.function.LongToDoubleFunction;

/**
 * When each event of a fixed-rate stream is due, as an offset from the start of the run.
 *
 * <p>Event {@code i} is due at {@code anchor + (i - anchorIndex) / rate}: computed from an
 * anchor, never accumulated, so there is no drift however long the run. When the rate changes
 * (a traffic-drop incident) the schedule re-anchors at the change. A rate of 0 means
 * unthrottled: every event is due immediately.
 */
public final class RateSchedule {
    private final LongToDoubleFunction rateAt;
    private long anchorNanos;
    private long anchorIndex;
    private double rate;
    private long index;

    /** @param rateAt events per second in effect at a given offset (nanoseconds) */
    public RateSchedule(LongToDoubleFunction rateAt) {
        this.rateAt = rateAt;
        this.rate = rateAt.applyAsDouble(0);
    }

    public static RateSchedule fixed(double eventsPerSecond) {
        return new RateSchedule(offset -> eventsPerSecond);
    }

    /** The due offset of the next event, advancing the schedule. */
    public long nextDueNanos() {
        if (rate <= 0) {
            index++;
            return 0;
        }
        long due = anchorNanos + (long) ((index - anchorIndex) * 1e9 / rate);
        double now = rateAt.applyAsDouble(due);
        if (now != rate) {
            anchorNanos = due;
            anchorIndex = index;
            rate = now;
        }
        index++;
        return due;
    }
}
