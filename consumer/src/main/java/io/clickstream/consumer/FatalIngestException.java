package io.clickstream.consumer;

/** ClickHouse refused in a way retrying cannot fix (auth, schema, a lost acknowledged insert): the consumer stops. */
public final class FatalIngestException extends Exception {
    private static final long serialVersionUID = 1L;

    FatalIngestException(String message, Throwable cause) {
        super(message, cause);
    }
}
