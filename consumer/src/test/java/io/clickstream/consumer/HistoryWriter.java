package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;

/**
 * Another writer of the events table: 1,000 events spread over 200 days in one insert, under a
 * topic of their own ({@code history}). With a partition per day that is 200 blocks of the
 * table's deduplication window; with a partition per month, 7.
 */
final class HistoryWriter {
    private HistoryWriter() {}

    /** One insert of 1,000 events over 200 days; their offsets start at {@code firstOffset}. */
    static void insert(ClickHouseService ch, String database, long firstOffset) {
        ch.execute("INSERT INTO " + database + ".events (event_id, event_type, user_id, product_id, price,"
                + " timestamp, kafka_topic, kafka_topic_id, kafka_partition, kafka_offset)"
                + " SETTINGS throw_on_max_partitions_per_insert_block = 0" // as the consumer does
                + " SELECT generateUUIDv4(number), 'page_view', 'user_1', 'prod_1', 1,"
                + " toDateTime64('2026-01-01 00:00:00', 3, 'UTC') - toIntervalDay(number % 200),"
                + " 'history', generateUUIDv4(), 0, number + " + firstOffset + " FROM numbers(1000)");
    }
}
