package io.clickstream.model;

/**
 * A payload that is not a valid click event. {@link #field()} names the offending field
 * ({@code null} when the payload as a whole is bad) and {@link #reason()} says why, so the
 * message can go straight into a dead-letter header or a rejected-row report.
 */
public final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
        super(field == null ? reason : field + ": " + reason, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    /** The JSON field name ({@code event_id}, {@code price}, ...) or {@code null} for the whole payload. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
