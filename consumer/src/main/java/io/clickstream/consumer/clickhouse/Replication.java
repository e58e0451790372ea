package io.clickstream.consumer.clickhouse;

import com.clickhouse.client.api.insert.InsertSettings;
import io.clickstream.model.Names;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * What the consumer does differently when {@code events} is a ReplicatedMergeTree table
 * (docs/consumer.md, "On a replicated ClickHouse"). The consumer talks to one replica (its URL,
 * never a load balancer): inserts, deduplicated re-sends and lookups all reach that replica.
 *
 * <ul>
 *   <li><b>Deduplication</b> needs nothing here: a token's block ID lives in Keeper, shared by all
 *       replicas, so a re-send reaching this replica after the first attempt landed on another is
 *       dropped, and the replica writes the part under the existing name if it lacks it.
 *   <li><b>Lookups</b> of stored records (on assignment, for an earlier owner's block, and after an
 *       insert ClickHouse reported as partly written) must not miss rows another replica stored and this
 *       one has not fetched yet: before each, {@code SYSTEM SYNC REPLICA events LIGHTWEIGHT} pulls the
 *       replication log and waits until this replica has fetched every part in it (bounded by the
 *       socket timeout; a replica that cannot catch up makes the lookup fail as retriable, and the
 *       partition waits).
 *   <li><b>Quorum</b>: with {@code insertQuorum} ≥ 2 or {@code auto}, an insert is acknowledged, and its
 *       offsets committed, only once that many replicas hold it ({@code insert_quorum}; the wait bounded
 *       just under the client's timeout). {@code 0}: acknowledged by the one replica that took it.
 * </ul>
 *
 * @param replicated   {@code events} is a Replicated* table (read from system.tables at start)
 * @param insertQuorum {@code 0} (off), a number of replicas ≥ 2, or {@code auto} (a majority)
 * @param timeout      the client's bound on every call ({@code --clickhouse-timeout})
 */
public record Replication(boolean replicated, String insertQuorum, Duration timeout) {
    /** One server: nothing to add. */
    public static final Replication NONE = new Replication(false, "0", Duration.ofSeconds(30));

    public Replication {
        if (!insertQuorum.equals("0") && !replicated) {
            throw new IllegalArgumentException("insert quorum " + insertQuorum + " needs a replicated events table");
        }
    }

    /** The insert's quorum settings, if any. */
    InsertSettings applyTo(InsertSettings insert) {
        if (insertQuorum.equals("0")) {
            return insert;
        }
        return insert.serverSetting("insert_quorum", insertQuorum)
                .serverSetting("insert_quorum_timeout", Long.toString(Math.max(1_000, timeout.toMillis() - 1_000)));
    }

    /** Before a lookup of stored records: this replica has every part the others stored (a no-op on one server). */
    void catchUp(Connection connection) throws SQLException {
        if (!replicated) {
            return;
        }
        try (Statement sync = connection.createStatement()) {
            sync.execute("SYSTEM SYNC REPLICA " + Names.EVENTS_TABLE + " LIGHTWEIGHT");
        }
    }
}
