package io.clickstream.producer.pacing;

import java.time.Instant;

/** Time that only moves when someone sleeps or calls {@link #advance}. */
public final class FakeTicker implements Ticker {
    private static final Instant EPOCH = Instant.parse("2026-11-25T12:00:00Z");
    private long nanos;

    @Override
    public long nanoTime() {
        return nanos;
    }

    @Override
    public Instant now() {
        return EPOCH.plusNanos(nanos);
    }

    @Override
    public void sleepNanos(long duration) {
        nanos += duration;
    }

    public void advance(long duration) {
        nanos += duration;
    }
}
