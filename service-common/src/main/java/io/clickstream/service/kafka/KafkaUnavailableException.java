package io.clickstream.service.kafka;

/** Kafka could not be reached or refused a setup request; the producer cannot start. */
public final class KafkaUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public KafkaUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
