package io.clickstream.model;

/** Names shared by every service: topics, database and table. */
public final class Names {
    /** The click events topic; records are keyed by {@code user_id}. */
    public static final String EVENTS_TOPIC = "clickstream.events";
    /** Records that could not be decoded or validated, with the reason in headers. */
    public static final String DEAD_LETTER_TOPIC = "clickstream.events.dlq";

    public static final String DATABASE = "clickstream";
    public static final String EVENTS_TABLE = "events";

    private Names() {}
}
