package io.clickstream.consumer.processing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The rows of a batch that come from one partition of one topic: their offsets, lowest and highest. */
public record PartitionSpan(String topic, UUID topicId, int partition, List<Long> offsets) {

    public long from() {
        return offsets.stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    public long to() {
        return offsets.stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** One span per (topic ID, partition), in order of first appearance. */
    public static List<PartitionSpan> of(List<EventRow> rows) {
        Map<String, PartitionSpan> spans = new LinkedHashMap<>();
        for (EventRow row : rows) {
            spans.computeIfAbsent(
                            row.topicId() + "/" + row.partition(),
                            k -> new PartitionSpan(row.topic(), row.topicId(), row.partition(), new ArrayList<>()))
                    .offsets()
                    .add(row.offset());
        }
        return List.copyOf(spans.values());
    }
}
