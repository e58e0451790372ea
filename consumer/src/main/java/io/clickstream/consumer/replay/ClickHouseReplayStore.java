package io.clickstream.consumer.replay;

import io.clickstream.consumer.clickhouse.ClickHouseDeadLetterTable;
import io.clickstream.model.Names;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * {@link ReplayStore} on ClickHouse: reads {@code dead_letters} page by page in its own order
 * (source coordinates), leaving out what {@code dead_letter_replays} records as done. Payloads
 * and keys travel as hex, so their bytes arrive exactly as stored whatever they are.
 */
final class ClickHouseReplayStore implements ReplayStore {
    private static final HexFormat HEX = HexFormat.of();
    /** A dead letter's key: its source record's coordinates (the ORDER BY of both tables). */
    private static final String COLUMNS = "source_topic_id, source_partition, source_offset";

    private static final String COORDINATES = "(" + COLUMNS + ")";

    private final DataSource dataSource;

    ClickHouseReplayStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public List<StoredDeadLetter> page(List<String> reasonClasses, Instant since, StoredDeadLetter after, int limit)
            throws ReplayException {
        // reasonClasses are validated names (ReplayOptions): safe to inline as literals.
        String classes = reasonClasses.stream().map(c -> "'" + c + "'").collect(Collectors.joining(", "));
        String sql = "SELECT toUnixTimestamp64Milli(received_at), reason_class, reason, source_topic,"
                + " toString(source_topic_id), source_partition, source_offset, hex(key), hex(payload), payload_bytes"
                + " FROM " + ClickHouseDeadLetterTable.TABLE + " FINAL"
                + " WHERE reason_class IN (" + classes + ")"
                + " AND received_at >= fromUnixTimestamp64Milli(toInt64(?))"
                + (after == null ? "" : " AND " + COORDINATES + " > (toUUID(?), toUInt16(?), toUInt64(?))")
                + " AND " + COORDINATES + " NOT IN (SELECT " + COLUMNS + " FROM " + ReplayTables.REPLAYS + ")"
                + " ORDER BY " + COLUMNS
                + " LIMIT " + limit;
        try (Connection connection = dataSource.getConnection();
                PreparedStatement select = connection.prepareStatement(sql)) {
            select.setLong(1, since.toEpochMilli());
            if (after != null) {
                select.setString(2, after.sourceTopicId().toString());
                select.setInt(3, after.sourcePartition());
                select.setLong(4, after.sourceOffset());
            }
            List<StoredDeadLetter> letters = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    letters.add(new StoredDeadLetter(
                            Instant.ofEpochMilli(rows.getLong(1)),
                            rows.getString(2),
                            rows.getString(3),
                            rows.getString(4),
                            UUID.fromString(rows.getString(5)),
                            rows.getInt(6),
                            rows.getLong(7),
                            HEX.parseHex(rows.getString(8)),
                            HEX.parseHex(rows.getString(9)),
                            rows.getLong(10)));
                }
            }
            return letters;
        } catch (SQLException | RuntimeException e) {
            throw new ReplayException("cannot read " + ClickHouseDeadLetterTable.TABLE + ": " + e.getMessage(), e);
        }
    }

    @Override
    public Set<UUID> storedEventIds(Collection<UUID> eventIds) throws ReplayException {
        if (eventIds.isEmpty()) {
            return Set.of();
        }
        String ids = eventIds.stream().map(id -> "'" + id + "'").collect(Collectors.joining(", "));
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT DISTINCT toString(event_id) FROM " + Names.EVENTS_TABLE
                        + " WHERE event_id IN (" + ids + ")")) {
            Set<UUID> stored = new HashSet<>();
            while (rows.next()) {
                stored.add(UUID.fromString(rows.getString(1)));
            }
            return stored;
        } catch (SQLException | RuntimeException e) {
            throw new ReplayException("cannot look up stored events: " + e.getMessage(), e);
        }
    }

    @Override
    public void markReplayed(List<Replayed> replayed) throws ReplayException {
        if (replayed.isEmpty()) {
            return;
        }
        String values = replayed.stream()
                .map(r -> "(toUUID('" + r.letter().sourceTopicId() + "'), "
                        + r.letter().sourcePartition() + ", "
                        + r.letter().sourceOffset() + ", now64(3), '"
                        + r.replayTopic().replace("'", "") + "', "
                        + r.replayPartition() + ", " + r.replayOffset() + ")")
                .collect(Collectors.joining(", "));
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO " + ReplayTables.REPLAYS + " (source_topic_id, source_partition,"
                    + " source_offset, replayed_at, replay_topic, replay_partition, replay_offset)"
                    + " SETTINGS async_insert = 0 VALUES " + values);
        } catch (SQLException | RuntimeException e) {
            throw new ReplayException("cannot record the replay in " + ReplayTables.REPLAYS + ": " + e.getMessage(), e);
        }
    }
}
