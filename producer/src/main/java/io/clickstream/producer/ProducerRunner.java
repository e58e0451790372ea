package io.clickstream.producer;

import io.clickstream.model.ClickEvent;
import io.clickstream.producer.pacing.Ticker;
import java.io.IOException;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * The send loop: waits until each event is due, hands it to the sink, prints progress, and
 * stops at the configured count or duration, when the source is exhausted, or on {@link #stop()}.
 *
 * <p>Pacing is by schedule ({@link io.clickstream.producer.pacing.RateSchedule}), not by
 * sleeping after each send, so the rate does not drift. If sending falls more than
 * {@link #MAX_CATCH_UP} behind (a slow broker), the backlog is skipped rather than sent in a
 * burst, and a line says so.
 */
public final class ProducerRunner {
    static final Duration MAX_CATCH_UP = Duration.ofSeconds(1);
    /** Longest single sleep, so {@link #stop()} is honoured promptly. */
    private static final long MAX_SLEEP_NANOS = 50_000_000L;

    /** What a run did. {@code failed} events are lost; {@code rejected} input never became events. */
    public record Summary(long sent, long acknowledged, long failed, long rejected, Duration elapsed, String counters) {
        public double ratePerSecond() {
            return elapsed.isZero() ? 0 : sent * 1e9 / elapsed.toNanos();
        }

        @Override
        public String toString() {
            return String.format(
                    "sent %,d, acknowledged %,d, failed %,d%s in %.1f s (%.1f events/s)",
                    sent,
                    acknowledged,
                    failed,
                    counters.isEmpty() ? "" : ", " + counters,
                    elapsed.toNanos() / 1e9,
                    ratePerSecond());
        }
    }

    private final EventSource source;
    private final EventSink sink;
    private final Ticker ticker;
    private final Long maxCount;
    private final Duration maxDuration;
    private final Duration progressInterval;
    private final Consumer<String> log;
    private volatile boolean stopped;

    public ProducerRunner(
            EventSource source,
            EventSink sink,
            Ticker ticker,
            Long maxCount,
            Duration maxDuration,
            Duration progressInterval,
            Consumer<String> log) {
        this.source = source;
        this.sink = sink;
        this.ticker = ticker;
        this.maxCount = maxCount;
        this.maxDuration = maxDuration;
        this.progressInterval = progressInterval;
        this.log = log;
    }

    /** Asks the loop to stop after the event in hand; {@link #run()} then flushes and returns. */
    /** Whether {@link #stop()} ended the run (rather than the source, the count or the duration). */
    public boolean stopped() {
        return stopped;
    }

    public void stop() {
        stopped = true;
    }

    public Summary run() throws IOException, InterruptedException {
        long start = ticker.nanoTime();
        long skew = 0; // grows when the backlog is skipped
        long sent = 0;
        long nextProgress = start + progressInterval.toNanos();
        long sentAtLastProgress = 0;
        long lastProgress = start;
        long end = maxDuration == null ? Long.MAX_VALUE : start + maxDuration.toNanos();
        while (!stopped && (maxCount == null || sent < maxCount)) {
            long due = source.nextDueNanos();
            if (due < 0) {
                break; // source exhausted
            }
            long sendAt = start + due + skew;
            if (sendAt >= end) {
                break;
            }
            long now = waitUntil(sendAt);
            if (stopped) {
                break;
            }
            long behind = now - sendAt;
            if (behind > MAX_CATCH_UP.toNanos() && !source.unthrottled()) {
                skew += behind;
                log.accept(String.format(
                        "fell %d ms behind schedule; continuing from now instead of bursting", behind / 1_000_000));
            }
            ClickEvent event = source.take(ticker.now());
            sink.send(event);
            sent++;
            if (now >= nextProgress) {
                double rate = (sent - sentAtLastProgress) * 1e9 / Math.max(1, now - lastProgress);
                log.accept(String.format(
                        "sent %,d (%.1f events/s), acknowledged %,d, failed %,d%s",
                        sent, rate, sink.acknowledged(), sink.failed(), prefixed(source.counters())));
                sentAtLastProgress = sent;
                lastProgress = now;
                nextProgress = now + progressInterval.toNanos();
            }
        }
        sink.flush(); // every event's outcome is known before the summary is printed
        return new Summary(
                sent,
                sink.acknowledged(),
                sink.failed(),
                source.rejected(),
                Duration.ofNanos(ticker.nanoTime() - start),
                source.counters());
    }

    /** Sleeps until {@code deadline} (in chunks, so stop() is prompt); returns the time reached. */
    private long waitUntil(long deadline) throws InterruptedException {
        long now = ticker.nanoTime();
        while (now < deadline && !stopped) {
            ticker.sleepNanos(Math.min(deadline - now, MAX_SLEEP_NANOS));
            now = ticker.nanoTime();
        }
        return now;
    }

    private static String prefixed(String counters) {
        return counters.isEmpty() ? "" : ", " + counters;
    }
}
