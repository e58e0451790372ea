package io.clickstream.producer;

import io.clickstream.model.ClickEvent;
import java.io.IOException;
import java.time.Instant;

/** Where events come from (simulation or replay) and when each is due. */
public interface EventSource extends AutoCloseable {
    /** Offset from the start of the run, in nanoseconds, when the next event is due; -1 when exhausted. */
    long nextDueNanos() throws IOException;

    /** The event announced by {@link #nextDueNanos()}, stamped {@code now} unless the source keeps original times. */
    ClickEvent take(Instant now);

    /** True when events are due immediately, one after another (rate 0): there is no schedule to fall behind. */
    default boolean unthrottled() {
        return false;
    }

    /** Source-specific counts for the progress and summary lines, e.g. rejected rows; may be empty. */
    default String counters() {
        return "";
    }

    /** Whether the run lost input (e.g. rejected rows); not a reason for a failing exit code by itself. */
    default long rejected() {
        return 0;
    }

    @Override
    default void close() throws IOException {}
}
