package io.clickstream.consumer.processing;

import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * How many rows a batch may hold: the user's {@code --batch-max-rows} at or near the head of the
 * topic (the latency targets), up to {@code --catch-up-max-rows} while far behind (a backlog
 * after an outage drains at ClickHouse's cost per insert, so fewer, larger inserts drain it many
 * times faster and make fewer parts).
 *
 * <p>Catch-up starts when the lag reaches {@value #ENTER_BATCHES} steady batches and ends when it
 * is back under one steady batch: the gap keeps it from flapping at the threshold. Each change is
 * logged, the end with how many records were drained and how fast.
 */
public final class CatchUpPolicy {
    static final int ENTER_BATCHES = 10;

    private final int steadyRows;
    private final int catchUpRows;
    private final LongSupplier nanoClock;
    private final Consumer<String> log;
    private boolean catchingUp;
    private long startedAt;
    private long lagAtStart;
    private long consumedAtStart;

    /** @param catchUpRows at most this many rows per batch while behind; {@code steadyRows} or less disables catch-up */
    public CatchUpPolicy(int steadyRows, int catchUpRows, LongSupplier nanoClock, Consumer<String> log) {
        this.steadyRows = steadyRows;
        this.catchUpRows = Math.max(steadyRows, catchUpRows);
        this.nanoClock = nanoClock;
        this.log = log;
    }

    /**
     * @param lag      records behind the head, over the assigned partitions
     * @param consumed records consumed so far (a running total), to report the drain rate
     * @return the row limit for batches from now on
     */
    public int update(long lag, long consumed) {
        if (catchUpRows == steadyRows) {
            return steadyRows;
        }
        if (!catchingUp && lag >= (long) ENTER_BATCHES * steadyRows) {
            catchingUp = true;
            startedAt = nanoClock.getAsLong();
            lagAtStart = lag;
            consumedAtStart = consumed;
            log.accept(String.format(
                    "catching up: %,d records behind; batches of up to %,d rows until caught up", lag, catchUpRows));
        } else if (catchingUp && lag < steadyRows) {
            catchingUp = false;
            double seconds = Math.max(1e-3, (nanoClock.getAsLong() - startedAt) / 1e9);
            long drained = consumed - consumedAtStart;
            log.accept(String.format(
                    "caught up: %,d records consumed in %.1f s (%,.0f records/s; %,d were behind at the"
                            + " start); batches of up to %,d rows again",
                    drained, seconds, drained / seconds, lagAtStart, steadyRows));
        }
        return catchingUp ? catchUpRows : steadyRows;
    }

    public boolean catchingUp() {
        return catchingUp;
    }
}
