package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import java.nio.file.Files;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The users of clickhouse/access/010_users.sql, enforced by the ClickHouse server itself.
 * Needs a server with SQL access management (Testcontainers, or CLICKSTREAM_IT_CLICKHOUSE_URL
 * as an admin). The local chDB engine has no user storage: there this test is reported as
 * skipped with that reason, never as passed.
 */
@ExtendWith(RealServices.class)
class AccessControlIT {
    private ClickHouseService admin;
    private String database;

    @BeforeEach
    void applyUsers(ClickHouseService clickHouse) throws Exception {
        admin = clickHouse;
        database = Schema.apply(clickHouse, "acl_" + Long.toHexString(System.nanoTime()));
        try {
            admin.execute("CREATE USER IF NOT EXISTS acl_probe_user IDENTIFIED WITH no_password");
            admin.execute("DROP USER acl_probe_user");
        } catch (IllegalStateException e) {
            Assumptions.abort("this ClickHouse (" + clickHouse.source() + ") cannot create users: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
        String users = Files.readString(RepositoryLayout.resolve("clickhouse/access/010_users.sql"));
        for (String sql : SchemaInstaller.statements("010_users.sql", users, database, Schema.VARIABLES)) {
            admin.execute(sql);
        }
    }

    private ClickHouseService reader() {
        return admin.as("clickstream_reader", Schema.VARIABLES.get("CLICKHOUSE_READER_PASSWORD"));
    }

    private ClickHouseService ingest() {
        return admin.as("clickstream_ingest", Schema.VARIABLES.get("CLICKHOUSE_INGEST_PASSWORD"));
    }

    private static void denied(Runnable action, String what) {
        IllegalStateException e = assertThrows(IllegalStateException.class, action::run, what + " must be refused");
        assertTrue(
                e.getMessage().contains("Code: 497") || e.getMessage().contains("Code: 164"),
                what + " refused for lack of rights: " + e.getMessage());
    }

    @Test
    void readerReadsButCannotWriteAlterOrDrop() {
        assertEquals(
                0, reader().queryLong("SELECT count() FROM " + database + ".events SETTINGS max_execution_time = 30"));
        denied(
                () -> reader().execute("INSERT INTO " + database + ".events (event_id) VALUES (generateUUIDv4())"),
                "INSERT");
        denied(() -> reader().execute("ALTER TABLE " + database + ".events DELETE WHERE 1"), "ALTER");
        denied(() -> reader().execute("DROP TABLE " + database + ".events"), "DROP");
        denied(() -> reader().query("SELECT count() FROM system.users"), "reading users");
    }

    @Test
    void ingestUserWritesEventsAndDeadLettersOnly() {
        ingest().execute(
                        "INSERT INTO " + database
                                + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                                + " kafka_topic, kafka_partition, kafka_offset) VALUES (generateUUIDv4(), 'page_view', 'u', 'p', 1, now64(3), 't', 0, 0)");
        assertEquals(1, ingest().queryLong("SELECT count() FROM " + database + ".events WHERE kafka_offset >= 0"));
        // the consumer stores dead letters; replay-dead-letters reads them and records what it sent
        ingest().execute("INSERT INTO " + database + ".dead_letters (received_at, reason_class, reason, source_topic,"
                + " source_topic_id, source_partition, source_offset, key, payload, payload_bytes)"
                + " VALUES (now64(3), 'malformed', 'truncated JSON', 't', generateUUIDv4(), 0, 1, 'k', '{', 1)");
        assertEquals(1, ingest().queryLong("SELECT count() FROM " + database + ".dead_letters FINAL"));
        ingest().execute("INSERT INTO " + database + ".dead_letter_replays (source_topic_id, source_partition,"
                + " source_offset, replayed_at, replay_topic, replay_partition, replay_offset)"
                + " VALUES (generateUUIDv4(), 0, 1, now64(3), 't', 0, 9)");
        assertEquals(1, ingest().queryLong("SELECT count() FROM " + database + ".dead_letter_replays"));
        // the schema check reads the engine of events (a replicated one changes the lookups)
        assertEquals(
                "MergeTree",
                ingest().query("SELECT engine FROM system.tables WHERE database = '" + database
                                + "' AND name = 'events'")
                        .strip());
        denied(() -> ingest().query("SELECT count() FROM " + database + ".events_per_minute"), "reading other tables");
        denied(() -> ingest().execute("DROP TABLE " + database + ".dead_letters"), "DROP dead_letters");
        denied(() -> ingest().execute("DROP TABLE " + database + ".events"), "DROP");
        denied(() -> ingest().execute("TRUNCATE TABLE " + database + ".events"), "TRUNCATE");
    }
}
