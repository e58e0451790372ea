package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.jdbc.ConnectionImpl;

/**
 * Inserts batches into {@code events} (one INSERT per batch, RowBinary) and answers which Kafka
 * offsets are already stored. Connections come from the HikariCP pool of clickhouse-jdbc
 * connections; the table lives in the database named by the JDBC URL. Not thread-safe (one
 * encoder buffer): the ingest loop is its only user.
 */
public final class ClickHouseEventWriter implements EventWriter {
    /** An insert that gets no answer in this time counts as failed (and is retried after a stored-offset check). */
    static final Duration INSERT_TIMEOUT = Duration.ofSeconds(60);
    static final String STORED_OFFSETS = "SELECT kafka_offset FROM " + Names.EVENTS_TABLE
            + " WHERE kafka_topic = ? AND kafka_partition = ? AND kafka_offset >= ?";

    private final DataSource dataSource;
    private final RowBinaryEncoder encoder = new RowBinaryEncoder();

    public ClickHouseEventWriter(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void write(List<EventRow> rows) throws WriteException {
        try (Connection connection = dataSource.getConnection()) {
            // A pooled clickhouse-jdbc connection, its client streaming our own RowBinary bytes: the
            // JDBC batch API would convert every value through generic setters (measured 2x the CPU).
            Client client = connection.unwrap(ConnectionImpl.class).getClient();
            InsertSettings settings = new InsertSettings()
                    .setDatabase(connection.getSchema())
                    .serverSetting("async_insert", "0");  // batching is ours; ClickHouse must not buffer again
            // Returning is the acknowledgement; the response only needs closing.
            client.insert(Names.EVENTS_TABLE, RowBinaryEncoder.COLUMNS, out -> encoder.write(rows, out),
                    ClickHouseFormat.RowBinary, settings).get(INSERT_TIMEOUT.toSeconds(), TimeUnit.SECONDS).close();
        } catch (ExecutionException e) {
            throw ErrorClassifier.classify("insert of " + rows.size() + " rows", e.getCause());
        } catch (TimeoutException e) {
            throw ErrorClassifier.classify("insert of " + rows.size() + " rows (no answer in " + INSERT_TIMEOUT + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorClassifier.classify("insert of " + rows.size() + " rows (interrupted)", e);
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

}
