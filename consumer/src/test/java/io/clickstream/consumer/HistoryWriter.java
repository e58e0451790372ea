package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;
import java.time.LocalDate;
import java.util.UUID;

/**
 * Another writer of the events table: 1,000 events spread over 200 days in one insert, under a
 * topic of their own ({@code history}). The rows travel as data (VALUES), as a loader's would:
 * ClickHouse records such an insert in the table's deduplication window, one block per table
 * partition it touches (an {@code INSERT ... SELECT} of non-deterministic values is not recorded).
 * With a partition per day that is 200 blocks of the window; with a partition per month, 7.
 */
final class HistoryWriter {
    private HistoryWriter() {}

    /** One insert of 1,000 events over 200 days; their offsets start at {@code firstOffset}. */
    static void insert(ClickHouseService ch, String database, long firstOffset) {
        StringBuilder sql = new StringBuilder("INSERT INTO " + database + ".events (event_id, event_type, user_id,"
                + " product_id, price, timestamp, kafka_topic, kafka_topic_id, kafka_partition, kafka_offset)"
                + " SETTINGS throw_on_max_partitions_per_insert_block = 0 VALUES "); // as the consumer does
        UUID topicId = new UUID(0x4157, 1);
        for (int i = 0; i < 1_000; i++) {
            long offset = firstOffset + i;
            sql.append(i == 0 ? "" : ",")
                    .append("('")
                    .append(new UUID(0x4157, offset + 2))
                    .append("', 'page_view', 'user_1', 'prod_1', 1, '")
                    .append(LocalDate.of(2026, 1, 1).minusDays(i % 200))
                    .append(" 00:00:00.000', 'history', '")
                    .append(topicId)
                    .append("', 0, ")
                    .append(offset)
                    .append(')');
        }
        ch.execute(sql.toString());
    }
}
