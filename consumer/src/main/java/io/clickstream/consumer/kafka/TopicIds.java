package io.clickstream.consumer.kafka;

import java.util.UUID;

/** Kafka's ID of a topic: a UUID that a topic deleted and created again under the same name does not keep. */
public interface TopicIds {
    /**
     * @throws TopicIdUnavailableException if Kafka cannot tell now (the caller retries later)
     */
    UUID of(String topic) throws TopicIdUnavailableException;

    final class TopicIdUnavailableException extends Exception {
        private static final long serialVersionUID = 1L;

        public TopicIdUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
