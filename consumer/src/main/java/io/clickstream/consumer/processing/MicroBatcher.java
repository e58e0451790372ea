package io.clickstream.consumer.processing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * Buffers one partition's rows ({@link BlockBuffers}) until a flush is due: {@code maxRows} buffered, or {@code maxWait} elapsed since
 * the batch started, whichever comes first. A batch starts with its first row, or with the
 * first record that needs only an offset commit ({@link #touch()}: dead-lettered or skipped).
 * The row limit may change between batches ({@link #maxRows(int)}: catch-up, see {@link CatchUpPolicy}).
 */
public final class MicroBatcher {
    private int maxRows;
    private final long maxWaitNanos;
    private final LongSupplier nanoClock;
    private List<EventRow> rows;
    private long startedAt;
    private boolean started;
    private long oldestEventMillis = Long.MAX_VALUE;

    public MicroBatcher(int maxRows, Duration maxWait, LongSupplier nanoClock) {
        this.maxRows = maxRows;
        this.maxWaitNanos = maxWait.toNanos();
        this.nanoClock = nanoClock;
        this.rows = new ArrayList<>(Math.min(maxRows, 65_536));
    }

    /** The row limit from now on; a batch already over it is due at once. */
    public void maxRows(int rows) {
        this.maxRows = rows;
    }

    public int maxRows() {
        return maxRows;
    }

    public void add(EventRow row) {
        touch();
        rows.add(row);
        oldestEventMillis = Math.min(oldestEventMillis, row.event().timestamp().toEpochMilli());
    }

    /** The earliest event timestamp among the rows added since the last clear (epoch millis), for logging. */
    public long oldestEventMillis() {
        return oldestEventMillis == Long.MAX_VALUE ? System.currentTimeMillis() : oldestEventMillis;
    }

    /** Starts the batch's clock if not started: something handled awaits a flush and commit. */
    public void touch() {
        if (!started) {
            started = true;
            startedAt = nanoClock.getAsLong();
        }
    }

    /** Whether anything (rows or offsets only) awaits a flush. */
    public boolean started() {
        return started;
    }

    /** Size or time trigger reached. */
    public boolean flushDue() {
        return rows.size() >= maxRows || (started && nanosUntilDue() == 0);
    }

    public boolean isFull() {
        return rows.size() >= maxRows;
    }

    /** Nanoseconds until the time trigger fires; {@code Long.MAX_VALUE} while empty. */
    public long nanosUntilDue() {
        if (!started) {
            return Long.MAX_VALUE;
        }
        return Math.max(0, startedAt + maxWaitNanos - nanoClock.getAsLong());
    }

    /** The buffered rows, oldest first (a live view: do not keep it across {@link #take()}). */
    public List<EventRow> rows() {
        return rows;
    }

    public int size() {
        return rows.size();
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Hands the batch over (the caller owns the returned list) and starts an empty one. */
    public List<EventRow> take() {
        List<EventRow> taken = rows;
        rows = new ArrayList<>(Math.min(Math.max(maxRows, taken.size()), 65_536));
        started = false;
        oldestEventMillis = Long.MAX_VALUE;
        return taken;
    }
}
