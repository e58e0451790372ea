package io.clickstream.producer.pacing;

import java.time.Instant;

/** Time as the producer loop sees it; tests substitute a fake that advances instantly. */
public interface Ticker {
    long nanoTime();

    Instant now();

    void sleepNanos(long nanos) throws InterruptedException;

    Ticker SYSTEM = new Ticker() {
        @Override
        public long nanoTime() {
            return System.nanoTime();
        }

        @Override
        public Instant now() {
            return Instant.now();
        }

        @Override
        public void sleepNanos(long nanos) throws InterruptedException {
            Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));
        }
    };
}
