package io.clickstream.consumer.clickhouse;

/**
 * Error codes {@link ErrorClassifier} does not know are retried, but not forever: ClickHouse
 * answering the same unknown code to {@value #ATTEMPTS} attempts in a row is treated as fatal
 * (docs/consumer.md, "Error classification"). A wrong "retriable" for a transient code then costs a
 * restart; an endless silent retry of a deterministic failure would stall the partition for good.
 * Answers that are not ClickHouse's (no code: a timeout, a reset) and known codes never count.
 */
public final class UnknownCodeLimit {
    /** With backoff doubling to the 30 s cap, about four minutes of the same answer. */
    public static final int ATTEMPTS = 10;

    private final int attempts;
    private int code;
    private int inARow;

    public UnknownCodeLimit() {
        this(ATTEMPTS);
    }

    UnknownCodeLimit(int attempts) {
        this.attempts = attempts;
    }

    /** After a failed attempt: whether it was the same unknown code for the {@value #ATTEMPTS}th time in a row. */
    public boolean reached(WriteException failure) {
        if (failure.kind() != WriteException.Kind.RETRIABLE || ErrorClassifier.isKnown(failure.code())) {
            succeeded();
            return false;
        }
        if (failure.code() == code) {
            inARow++;
        } else {
            code = failure.code();
            inARow = 1;
        }
        return inARow >= attempts;
    }

    /** Why the consumer stops when the limit is reached. */
    public static String message(WriteException failure) {
        return "ClickHouse answered code " + failure.code() + ", which the consumer does not classify, to " + ATTEMPTS
                + " attempts in a row: stopping without committing the batch (it is re-read after a restart)."
                + " Last answer: " + failure.getMessage();
    }

    /** An attempt succeeded: the count starts again. */
    public void succeeded() {
        code = 0;
        inARow = 0;
    }
}
