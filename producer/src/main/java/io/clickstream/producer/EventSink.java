package io.clickstream.producer;

import io.clickstream.model.ClickEvent;

/** Where events go. Sends are asynchronous; {@link #flush()} waits for every outcome. */
public interface EventSink extends AutoCloseable {
    void send(ClickEvent event);

    /** Blocks until every event sent so far is acknowledged or failed. */
    void flush();

    /** Events acknowledged by the destination. */
    long acknowledged();

    /** Events that finally failed (after the client's retries): lost unless re-sent. */
    long failed();

    @Override
    void close();
}
