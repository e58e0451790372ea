package io.clickstream.consumer;

import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.dlq.DeadLetterPublisher;
import java.util.ArrayList;
import java.util.List;

/** Dead letters kept in a list; every flush acknowledges them. */
final class RecordingDeadLetters implements DeadLetterPublisher {
    final List<DeadLetter> letters = new ArrayList<>();

    @Override
    public void publish(DeadLetter letter) {
        letters.add(letter);
    }

    @Override
    public void flush() {}

    @Override
    public long published() {
        return letters.size();
    }

    @Override
    public void close() {}
}
