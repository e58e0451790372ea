package io.clickstream.model;

/**
 * A payload that is not a valid click event. {@link #field()} names the offending field
 * ({@code null} when the payload as a whole is bad) and {@link #reason()} says why, so the
 * message can go straight into a dead-letter header or a rejected-row report.
 */
public final class InvalidEventException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What kind of problem, for counting dead letters by class. */
    public enum Kind {
        /** Not a JSON object at all (or not UTF-8, truncated, duplicate fields). */
        MALFORMED("malformed"),
        /** Over the size limit. */
        TOO_LARGE("too_large"),
        /** A required field absent or null. */
        MISSING_FIELD("missing_field"),
        /** A field present with a wrong type or an impossible value. */
        INVALID_VALUE("invalid_value");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name stored and filtered on, e.g. {@code missing_field}. */
        public String label() {
            return label;
        }
    }

    static final String MISSING = "missing required field";
    static final String NULL = "must not be null";
    static final String TOO_LARGE_PREFIX = "payload of ";

    private final String field;
    private final String reason;

    public InvalidEventException(String field, String reason) {
        super(field == null ? reason : field + ": " + reason, null, false, false);
        this.field = field;
        this.reason = reason;
    }

    public Kind kind() {
        if (field == null) {
            return reason.startsWith(TOO_LARGE_PREFIX) ? Kind.TOO_LARGE : Kind.MALFORMED;
        }
        return reason.equals(MISSING) || reason.equals(NULL) ? Kind.MISSING_FIELD : Kind.INVALID_VALUE;
    }

    /** The JSON field name ({@code event_id}, {@code price}, ...) or {@code null} for the whole payload. */
    public String field() {
        return field;
    }

    public String reason() {
        return reason;
    }
}
