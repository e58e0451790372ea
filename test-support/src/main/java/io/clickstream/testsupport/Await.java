package io.clickstream.testsupport;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The suite's one way to wait: observe something until it satisfies a condition. Tests never
 * sleep and then count; they wait for the state they are about to assert.
 *
 * <p>The deadline is a hang detector, not a performance claim: it only turns "never happens"
 * into a failure, so it is generous (minutes, not seconds) and a slow machine does not reach it.
 * A failure says what was awaited, for how long, and what was seen last.
 */
public final class Await {
    /** The default hang detector: something the test needs has not happened in this long. */
    public static final Duration HANG = Duration.ofMinutes(3);

    private static final long FIRST_POLL_MILLIS = 10;
    private static final long MAX_POLL_MILLIS = 250;

    private Await() {}

    /** What a test observes; an exception means "not observable yet" (a table not created, a server restarting). */
    @FunctionalInterface
    public interface Observation<T> {
        T observe() throws Exception;
    }

    /**
     * Polls {@code observation} until {@code done} accepts what it returns, and returns that; fails
     * after {@code hangAfter} naming {@code awaited}, the last observation and {@code context} (a log tail,
     * say). An {@link Error} thrown by the observation (an assertion) ends the wait at once.
     */
    public static <T> T until(
            String awaited,
            Duration hangAfter,
            Observation<T> observation,
            Predicate<? super T> done,
            Supplier<String> context)
            throws InterruptedException {
        long started = System.nanoTime();
        long deadline = started + hangAfter.toNanos();
        long pause = FIRST_POLL_MILLIS;
        String lastSeen = "nothing yet";
        while (true) {
            try {
                T value = observation.observe();
                if (done.test(value)) {
                    return value;
                }
                lastSeen = String.valueOf(value);
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception notYet) {
                lastSeen = "not observable: " + notYet;
            }
            if (System.nanoTime() - deadline > 0) {
                String extra = context == null ? "" : context.get();
                throw new AssertionError("awaited " + awaited + " for " + seconds(System.nanoTime() - started)
                        + " (hang detector " + hangAfter.toSeconds() + " s); last seen: " + lastSeen
                        + (extra == null || extra.isEmpty() ? "" : "\n" + extra));
            }
            Thread.sleep(pause);
            pause = Math.min(MAX_POLL_MILLIS, pause * 2);
        }
    }

    public static <T> T until(String awaited, Duration hangAfter, Observation<T> observation, Predicate<? super T> done)
            throws InterruptedException {
        return until(awaited, hangAfter, observation, done, null);
    }

    /** Waits until {@code condition} holds. */
    public static void untilTrue(
            String awaited, Duration hangAfter, Observation<Boolean> condition, Supplier<String> context)
            throws InterruptedException {
        until(awaited, hangAfter, condition, Boolean.TRUE::equals, context);
    }

    public static void untilTrue(String awaited, Duration hangAfter, Observation<Boolean> condition)
            throws InterruptedException {
        until(awaited, hangAfter, condition, Boolean.TRUE::equals, null);
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }
}
