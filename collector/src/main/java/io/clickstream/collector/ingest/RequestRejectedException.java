package io.clickstream.collector.ingest;

/** A request refused as a whole, with the HTTP status that says why; none of its events is kept. */
public final class RequestRejectedException extends Exception {
    private final int status;

    public RequestRejectedException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
