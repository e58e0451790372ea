package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.erasure.ErasureList;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.consumer.processing.PartitionSpan;
import io.clickstream.model.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Inserts batches into {@code events} (one INSERT per batch, RowBinaryWithNamesAndTypes) and
 * answers which Kafka records are already stored. Connections come from the HikariCP pool of
 * clickhouse-jdbc connections, whose client neither retries on its own nor waits without bound
 * ({@link ClickHousePool}); the table lives in the database named by the JDBC URL. Not
 * thread-safe (one encoder buffer): the ingest loop is its only user.
 */
public final class ClickHouseEventWriter implements EventWriter {
    /** Rows of the partition: by topic ID, or by name for rows stored before IDs were recorded. */
    private static final String SAME_RECORDS = " WHERE kafka_partition = ? AND (kafka_topic_id = ?"
            + " OR (kafka_topic_id = toUUID('00000000-0000-0000-0000-000000000000') AND kafka_topic = ?))";

    static final String STORED_RANGE =
            "SELECT count(), max(kafka_offset) FROM " + Names.EVENTS_TABLE + SAME_RECORDS + " AND kafka_offset >= ?";
    /** Each erased id's hash, topic ID and horizon as {@code partition:offset,...}. */
    static final String ERASURES = "SELECT id_hash, toString(topic_id), arrayStringConcat(arrayMap((p, o) ->"
            + " concat(toString(p), ':', toString(o)), mapKeys(horizon), mapValues(horizon)), ',') FROM erasures";

    private static final int UNKNOWN_TABLE = 60;
    private static final Logger LOG = LoggerFactory.getLogger(ClickHouseEventWriter.class);
    static final String STORED_OFFSETS = "SELECT DISTINCT kafka_offset FROM " + Names.EVENTS_TABLE + SAME_RECORDS
            + " AND kafka_offset BETWEEN ? AND ?";

    private final DataSource dataSource;
    private final Replication replication;
    private final RowBinaryEncoder encoder = new RowBinaryEncoder();

    /** Writes to one server's events table. */
    public ClickHouseEventWriter(DataSource dataSource) {
        this(dataSource, Replication.NONE);
    }

    /** Writes to the events table of the server or replica the pool's URL names. */
    public ClickHouseEventWriter(DataSource dataSource, Replication replication) {
        this.dataSource = dataSource;
        this.replication = replication;
    }

    @Override
    public void write(List<EventRow> rows, String deduplicationToken) throws WriteException {
        long written = RowBinaryInsert.insert(
                dataSource,
                Names.EVENTS_TABLE,
                EventTable.NAMES,
                out -> encoder.write(rows, out),
                settings -> replication
                        .applyTo(settings)
                        // a re-sent batch (same token) is dropped by ClickHouse, and so are its rollup rows
                        .serverSetting("insert_deduplicate", "1")
                        .serverSetting("insert_deduplication_token", deduplicationToken)
                        .serverSetting("deduplicate_blocks_in_dependent_materialized_views", "1")
                        // a replay of history may span more than 100 days in one batch: store it, do not fail it
                        .serverSetting("throw_on_max_partitions_per_insert_block", "0"),
                "insert of " + rows.size() + " rows");
        if (written < rows.size()) {
            // "200" is not proof: fewer rows written than sent is fine only if they are all there
            // (a deduplicated re-send); otherwise ClickHouse acknowledged rows it did not store.
            verifyStored(rows, written);
        }
    }

    private void verifyStored(List<EventRow> rows, long written) throws WriteException {
        long missing = 0;
        for (PartitionSpan span : PartitionSpan.of(rows)) {
            Set<Long> stored = storedOffsets(span.topic(), span.topicId(), span.partition(), span.from(), span.to());
            missing += span.offsets().stream().filter(o -> !stored.contains(o)).count();
        }
        if (missing > 0) {
            throw new WriteException(
                    WriteException.Kind.FATAL,
                    0,
                    "ClickHouse acknowledged an insert of " + rows.size() + " rows reporting " + written
                            + " written, and " + missing + " of them are not stored",
                    null);
        }
    }

    @Override
    public StoredRange storedRange(String topic, UUID topicId, int partition, long fromOffset) throws WriteException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(STORED_RANGE)) {
            replication.catchUp(connection);
            bindPartition(select, topic, topicId, partition);
            select.setLong(4, fromOffset);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                long count = rows.getLong(1);
                return count == 0 ? StoredRange.NONE : new StoredRange(count, rows.getLong(2));
            }
        } catch (SQLException | RuntimeException e) {
            throw ErrorClassifier.classify("lookup of stored records of " + topic + "-" + partition, e);
        }
    }

    @Override
    public Set<Long> storedOffsets(String topic, UUID topicId, int partition, long fromOffset, long toOffset)
            throws WriteException {
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(STORED_OFFSETS)) {
            replication.catchUp(connection);
            bindPartition(select, topic, topicId, partition);
            select.setLong(4, fromOffset);
            select.setLong(5, toOffset);
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

    @Override
    public List<ErasureList.Entry> erasures() throws WriteException {
        try (Connection connection = dataSource.getConnection();
                Statement select = connection.createStatement();
                ResultSet rows = select.executeQuery(ERASURES)) {
            List<ErasureList.Entry> entries = new ArrayList<>();
            while (rows.next()) {
                Map<Integer, Long> horizon = new HashMap<>();
                for (String part : rows.getString(3).split(",")) {
                    if (!part.isEmpty()) {
                        int colon = part.indexOf(':');
                        horizon.put(
                                Integer.parseInt(part.substring(0, colon)), Long.parseLong(part.substring(colon + 1)));
                    }
                }
                entries.add(new ErasureList.Entry(rows.getString(1), UUID.fromString(rows.getString(2)), horizon));
            }
            return entries;
        } catch (SQLException | RuntimeException e) {
            WriteException failure = ErrorClassifier.classify("lookup of erasures", e);
            if (failure.code() == UNKNOWN_TABLE) {
                LOG.warn("no erasures table: nothing is erased (apply the schema: docs/consumer.md, \"Upgrading\")");
                return List.of();
            }
            throw failure;
        }
    }

    private static void bindPartition(PreparedStatement select, String topic, UUID topicId, int partition)
            throws SQLException {
        select.setInt(1, partition);
        select.setString(2, topicId.toString());
        select.setString(3, topic);
    }
}
