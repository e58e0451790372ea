package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import java.nio.file.Files;
import java.sql.Connection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The start-up schema check against real tables: the bundled schema passes, a mismatched one is refused by name. */
@ExtendWith(RealServices.class)
class SchemaCheckIT {
    private static final Map<String, String> RETENTION =
            Map.of("RAW_RETENTION_DAYS", "30", "ROLLUP_RETENTION_DAYS", "36500");

    @Test
    void bundledSchemaPassesAndApplyingItTwiceIsHarmless(ClickHouseService ch) throws Exception {
        String database = "schema_ok_" + Long.toHexString(System.nanoTime());
        try (HikariDataSource pool =
                ClickHousePool.create(ch.jdbcUrl("default"), ch.user(), ch.password(), 1, Duration.ofSeconds(30))) {
            try (Connection connection = pool.getConnection()) {
                SchemaInstaller.install(connection, database, RETENTION);
                SchemaInstaller.install(connection, database, RETENTION);
                // A view of an earlier version (it counted events without a session) is brought up
                // to date; one that is up to date is left alone (ExactlyOnceIT: a change of a view's
                // query under inserts would count a re-sent block twice).
                String view = database + ".events_per_minute_mv";
                String current = ch.query("SELECT as_select FROM system.tables WHERE database = '" + database
                        + "' AND name = 'events_per_minute_mv' FORMAT TSVRaw");
                ch.execute("ALTER TABLE " + view + " MODIFY QUERY "
                        + current.replace("uniqStateIf(session_id, session_id != '')", "uniqState(session_id)"));
                SchemaInstaller.install(connection, database, RETENTION);
                assertEquals(
                        current,
                        ch.query("SELECT as_select FROM system.tables WHERE database = '" + database
                                + "' AND name = 'events_per_minute_mv' FORMAT TSVRaw"));
            }
            SchemaInstaller.check(pool, database);
        }
        assertEquals(
                10,
                ch.queryLong("SELECT count() FROM system.tables WHERE database = '" + database
                        + "' AND engine LIKE '%MergeTree'"),
                "events, the three per-minute rollups, dead_letters, dead_letter_replays, sessions, category_day,"
                        + " category_minute and erasures");
    }

    /** {@code apply-schema}: the one-shot a deployment runs with an administrator before a check-only consumer. */
    @Test
    void applySchemaCreatesWhatIsMissingAndExits(ClickHouseService ch) {
        String database = "schema_once_" + Long.toHexString(System.nanoTime());
        String[] args = {"apply-schema", "--clickhouse-url", ch.jdbcUrl(database), "--clickhouse-user", ch.user()};
        Map<String, String> env = Map.of("CLICKHOUSE_PASSWORD", ch.password());
        assertEquals(0, ConsumerMain.run(args, env));
        assertEquals(0, ConsumerMain.run(args, env), "again: nothing to do");
        assertEquals(
                10,
                ch.queryLong("SELECT count() FROM system.tables WHERE database = '" + database
                        + "' AND engine LIKE '%MergeTree'"));
    }

    @Test
    void missingOrMistypedTablesAreRefusedWithTheReason(ClickHouseService ch) throws Exception {
        String database = ch.createDatabase("schema_bad");
        try (HikariDataSource pool =
                ClickHousePool.create(ch.jdbcUrl(database), ch.user(), ch.password(), 1, Duration.ofSeconds(30))) {
            SchemaInstaller.IncompatibleSchemaException missing = assertThrows(
                    SchemaInstaller.IncompatibleSchemaException.class, () -> SchemaInstaller.check(pool, database));
            assertTrue(
                    missing.getMessage().contains("table " + database + ".events does not exist"),
                    missing.getMessage());

            ch.execute("CREATE TABLE " + database + ".events (event_id UUID, event_type String, user_id String,"
                    + " product_id String, price Decimal(38, 4), timestamp DateTime, session_id String, category String,"
                    + " device String, browser String, os String, kafka_topic String, kafka_partition UInt32)"
                    + " ENGINE = MergeTree ORDER BY event_id");
            String message = assertThrows(
                            SchemaInstaller.IncompatibleSchemaException.class,
                            () -> SchemaInstaller.check(pool, database))
                    .getMessage();
            for (String problem : new String[] {
                "table " + database + ".events is incompatible",
                "column event_type has type String",
                "column price has type Decimal(38, 4)",
                "column timestamp has type DateTime,",
                "column kafka_partition has type UInt32",
                "missing column kafka_offset"
            }) {
                assertTrue(message.contains(problem), "names '" + problem + "': " + message);
            }

            // events as the consumer writes it, but no dead_letters table: refused at start, not at the first poison
            // record
            ch.execute("DROP TABLE " + database + ".events");
            String eventsOnly = Files.readString(RepositoryLayout.resolve("clickhouse/init/002_events.sql"));
            SchemaInstaller.statements("002_events.sql", eventsOnly, database, RETENTION)
                    .forEach(ch::execute);
            String noDeadLetters = assertThrows(
                            SchemaInstaller.IncompatibleSchemaException.class,
                            () -> SchemaInstaller.check(pool, database))
                    .getMessage();
            assertTrue(
                    noDeadLetters.contains("table " + database + ".dead_letters does not exist")
                            && noDeadLetters.contains("005_dead_letters.sql"),
                    noDeadLetters);
        }
    }
}
