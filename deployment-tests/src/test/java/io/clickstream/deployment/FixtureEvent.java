package io.clickstream.deployment;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** One row of a hand-built data set, with everything the dashboard looks at. */
record FixtureEvent(
        String type,
        String userId,
        String sessionId,
        String productId,
        String category,
        BigDecimal price,
        Instant timestamp,
        Instant ingestedAt,
        String device,
        String os,
        String browser) {

    /** The same event at another time, stored at {@code ingestedAt}. */
    FixtureEvent at(Instant time, Instant ingested) {
        return new FixtureEvent(
                type, userId, sessionId, productId, category, price, time, ingested, device, os, browser);
    }

    Instant minute() {
        return timestamp.truncatedTo(ChronoUnit.MINUTES);
    }

    long latencyMillis() {
        return ingestedAt.toEpochMilli() - timestamp.toEpochMilli();
    }

    String valuesTuple(int offset) {
        return String.format(
                "(generateUUIDv4(), '%s', '%s', '%s', %s, '%s', '%s', '%s', '%s', '%s', '%s', 'fixture', 0, %d, '%s')",
                type,
                userId,
                productId,
                price.toPlainString(),
                sql(timestamp),
                sessionId,
                category,
                device,
                browser,
                os,
                offset,
                sql(ingestedAt));
    }

    private static String sql(Instant instant) {
        return instant.toString().replace("T", " ").replace("Z", "");
    }

    static String insertInto(String database, List<FixtureEvent> events) {
        StringBuilder sql = new StringBuilder("INSERT INTO ")
                .append(database)
                .append(".events (event_id, event_type,"
                        + " user_id, product_id, price, timestamp, session_id, category, device, browser, os, kafka_topic,"
                        + " kafka_partition, kafka_offset, ingested_at) VALUES ");
        for (int i = 0; i < events.size(); i++) {
            sql.append(i == 0 ? "" : ", ").append(events.get(i).valuesTuple(i));
        }
        return sql.toString();
    }
}
