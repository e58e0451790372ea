package io.clickstream.consumer.clickhouse;

/** A failed ClickHouse call, classified by {@link ErrorClassifier}. */
public final class WriteException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What to do about it. */
    public enum Kind {
        /** ClickHouse unreachable, overloaded or briefly unable: back off and retry the same rows. */
        RETRIABLE,
        /** The rows themselves are unacceptable: isolate them and dead-letter them. */
        DATA,
        /** Configuration or schema is wrong (auth, missing table): retrying cannot help; stop. */
        FATAL
    }

    private final Kind kind;
    private final int code;

    public WriteException(Kind kind, int code, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.code = code;
    }

    public Kind kind() {
        return kind;
    }

    /** ClickHouse's error code, or 0 when the failure was not an answer from ClickHouse. */
    public int code() {
        return code;
    }
}
