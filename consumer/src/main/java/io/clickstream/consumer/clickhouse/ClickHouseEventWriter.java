package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.Calendar;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TimeZone;
import javax.sql.DataSource;

/**
 * Inserts batches into {@code events} through clickhouse-jdbc (one INSERT per batch, the JDBC
 * batch API) and answers which Kafka offsets are already stored. Connections come from the
 * HikariCP pool; the table lives in the database named by the JDBC URL.
 */
public final class ClickHouseEventWriter implements EventWriter {
    static final String INSERT = "INSERT INTO " + Names.EVENTS_TABLE + " (event_id, event_type, user_id, product_id,"
            + " price, timestamp, session_id, category, device, browser, os, kafka_topic, kafka_partition, kafka_offset)"
            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    static final String STORED_OFFSETS = "SELECT kafka_offset FROM " + Names.EVENTS_TABLE
            + " WHERE kafka_topic = ? AND kafka_partition = ? AND kafka_offset >= ?";

    private final DataSource dataSource;

    public ClickHouseEventWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void write(List<EventRow> rows) throws WriteException {
        Calendar utc = Calendar.getInstance(TimeZone.getTimeZone(ZoneOffset.UTC));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (EventRow row : rows) {
                ClickEvent e = row.event();
                insert.setObject(1, e.eventId());
                insert.setString(2, e.eventType().wireName());
                insert.setString(3, e.userId());
                insert.setString(4, e.productId());
                insert.setBigDecimal(5, e.price());
                insert.setTimestamp(6, Timestamp.from(e.timestamp()), utc);
                insert.setString(7, orEmpty(e.sessionId()));
                insert.setString(8, orEmpty(e.category()));
                insert.setString(9, orEmpty(e.device()));
                insert.setString(10, orEmpty(e.browser()));
                insert.setString(11, orEmpty(e.os()));
                insert.setString(12, row.topic());
                insert.setInt(13, row.partition());
                insert.setLong(14, row.offset());
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException | RuntimeException e) {
            throw ErrorClassifier.classify("insert of " + rows.size() + " rows", e);
        }
    }

    @Override
    public Set<Long> storedOffsets(String topic, int partition, long fromOffset) throws WriteException {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(STORED_OFFSETS)) {
            select.setString(1, topic);
            select.setInt(2, partition);
            select.setLong(3, fromOffset);
            Set<Long> offsets = new HashSet<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    offsets.add(rows.getLong(1));
                }
            }
            return offsets;
        } catch (SQLException | RuntimeException e) {
            throw ErrorClassifier.classify("lookup of stored offsets of " + topic + "-" + partition, e);
        }
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
