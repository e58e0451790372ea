package io.clickstream.consumer.dlq;

/** Where records that are not valid events go, with the reason and their source coordinates. */
public interface DeadLetterPublisher extends AutoCloseable {
    /** Header names on every dead letter. */
    String REASON = "dlq.reason";

    /** The class of the reason, e.g. {@code missing_field} ({@link DeadLetter#reasonClass()}). */
    String REASON_CLASS = "dlq.reason.class";

    String SOURCE_TOPIC = "dlq.source.topic";
    String SOURCE_TOPIC_ID = "dlq.source.topic.id";
    String SOURCE_PARTITION = "dlq.source.partition";
    String SOURCE_OFFSET = "dlq.source.offset";
    String SOURCE_TIMESTAMP = "dlq.source.timestamp";
    String FAILED_AT = "dlq.failed.at";
    /** Present when the payload (or key) was cut to fit the topic: the original size in bytes, e.g. {@code value=1500000}. */
    String TRUNCATED = "dlq.truncated";

    /** Sends asynchronously; {@link #flush()} reports the outcome. */
    void publish(DeadLetter letter);

    /**
     * Waits until every published record is acknowledged.
     *
     * @throws DeadLetterException if any was not: the caller must not commit past it
     */
    void flush() throws DeadLetterException;

    /** Dead letters acknowledged so far. */
    long published();

    @Override
    void close();

    /** A dead letter was not taken (by the topic, or the table beside it). */
    final class DeadLetterException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean fatal;

        public DeadLetterException(String message, Throwable cause) {
            this(message, cause, false);
        }

        /** @param fatal retrying cannot help (no such table, no grant): a person must act */
        public DeadLetterException(String message, Throwable cause, boolean fatal) {
            super(message, cause);
            this.fatal = fatal;
        }

        public boolean fatal() {
            return fatal;
        }
    }
}
