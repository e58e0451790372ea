-- Dead letters as data: every record the consumer could not store, written here by the
-- consumer in the same step that publishes it to the dead-letter topic. A batch's offsets are
-- committed only after both the topic and this table have its dead letters (docs/consumer.md,
-- "Dead letters"); the topic keeps the full payload, this table the first 64 KiB of it
-- (payload_bytes is the original size) for queries, panels and replay-dead-letters.
--
-- One row per source record: ORDER BY its Kafka coordinates, and ReplacingMergeTree folds the
-- copy a retry writes again (after a crash or a lost answer) into one. Read with FINAL.
-- reason_class: malformed | too_large | missing_field | invalid_value | rejected_by_clickhouse.
-- source_timestamp is NULL for rows ClickHouse refused (the Kafka timestamp is not kept so far).
CREATE TABLE IF NOT EXISTS clickstream.dead_letters
(
    received_at      DateTime64(3, 'UTC'),
    reason_class     LowCardinality(String),
    reason           String,
    source_topic     LowCardinality(String),
    source_topic_id  UUID,
    source_partition UInt16,
    source_offset    UInt64,
    source_timestamp Nullable(DateTime64(3, 'UTC')),
    key              String,
    payload          String,
    payload_bytes    UInt32,
    INDEX received_at_idx received_at TYPE minmax GRANULARITY 1
)
ENGINE = ReplacingMergeTree
ORDER BY (source_topic_id, source_partition, source_offset)
TTL toDateTime(received_at) + INTERVAL {{RAW_RETENTION_DAYS}} DAY;

-- What replay-dead-letters re-published, one row per dead letter: a second run skips these,
-- so running it twice stores nothing twice.
CREATE TABLE IF NOT EXISTS clickstream.dead_letter_replays
(
    source_topic_id  UUID,
    source_partition UInt16,
    source_offset    UInt64,
    replayed_at      DateTime64(3, 'UTC'),
    replay_topic     LowCardinality(String),
    replay_partition UInt16,
    replay_offset    UInt64
)
ENGINE = ReplacingMergeTree
ORDER BY (source_topic_id, source_partition, source_offset);
