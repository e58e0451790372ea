package io.clickstream.consumer.processing;

import java.time.Duration;

/** Capped exponential backoff: {@value #INITIAL_MILLIS} ms, doubling, at most the configured maximum. */
public final class Backoff {
    static final long INITIAL_MILLIS = 500;
    private static final int FACTOR = 2;

    private final long maxMillis;
    private long nextMillis = INITIAL_MILLIS;

    public Backoff(Duration max) {
        this.maxMillis = max.toMillis();
    }

    /** The wait before the next attempt; each call doubles the following one, up to the cap. */
    public Duration next() {
        long wait = Math.min(nextMillis, maxMillis);
        nextMillis = Math.min(nextMillis * FACTOR, maxMillis);
        return Duration.ofMillis(wait);
    }

    /** Another backoff with the same cap, for another kind of attempt. */
    public Backoff fresh() {
        return new Backoff(Duration.ofMillis(maxMillis));
    }

    public void reset() {
        nextMillis = INITIAL_MILLIS;
    }
}
