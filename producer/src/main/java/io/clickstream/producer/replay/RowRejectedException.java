package io.clickstream.producer.replay;

/** A CSV row that cannot become an event; the message says why. */
public final class RowRejectedException extends Exception {
    private static final long serialVersionUID = 1L;

    public RowRejectedException(String reason) {
        super(reason, null, false, false);
    }
}
