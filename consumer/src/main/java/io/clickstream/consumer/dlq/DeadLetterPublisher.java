package io.clickstream.consumer.dlq;

/** Where records that are not valid events go, with the reason and their source coordinates. */
public interface DeadLetterPublisher extends AutoCloseable {
    /** Header names on every dead letter. */
    String REASON = "dlq.reason";

    String SOURCE_TOPIC = "dlq.source.topic";
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

    /** The dead-letter topic did not take a record. */
    final class DeadLetterException extends Exception {
        private static final long serialVersionUID = 1L;

        public DeadLetterException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
