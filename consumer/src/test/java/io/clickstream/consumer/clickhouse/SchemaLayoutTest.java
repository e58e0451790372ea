package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SchemaLayoutTest {
    private static final Map<String, String> RETENTION =
            Map.of("RAW_RETENTION_DAYS", "30", "ROLLUP_RETENTION_DAYS", "36500");
    private static final String KEEPER = "'/clickhouse/tables/{shard}/{database}/{table}', '{replica}'";
    private static final Pattern ANY_ENGINE = Pattern.compile("ENGINE\\s*=\\s*(\\w+)");

    @Test
    void eachEngineOfTheFilesBecomesItsReplicatedEngineWithItsOwnArgumentsAfterKeepers() {
        assertEquals(
                "CREATE TABLE t (a UInt8) ENGINE = ReplicatedMergeTree(" + KEEPER + ") ORDER BY a",
                SchemaLayout.REPLICATED.apply("CREATE TABLE t (a UInt8) ENGINE = MergeTree ORDER BY a"));
        assertEquals(
                "CREATE TABLE t (a UInt8) ENGINE = ReplicatedMergeTree(" + KEEPER + ") ORDER BY a",
                SchemaLayout.REPLICATED.apply("CREATE TABLE t (a UInt8) ENGINE = MergeTree() ORDER BY a"));
        assertEquals(
                "CREATE TABLE t (a UInt8, b UInt64) ENGINE = ReplicatedSummingMergeTree(" + KEEPER
                        + ", (b, c)) ORDER BY a",
                SchemaLayout.REPLICATED.apply(
                        "CREATE TABLE t (a UInt8, b UInt64) ENGINE = SummingMergeTree((b, c)) ORDER BY a"));
        assertEquals(
                "x ENGINE = ReplicatedReplacingMergeTree(" + KEEPER + ", version) ORDER BY k",
                SchemaLayout.REPLICATED.apply("x ENGINE = ReplacingMergeTree(version) ORDER BY k"));
        assertEquals(
                "x ENGINE = ReplicatedAggregatingMergeTree(" + KEEPER + ")\nPARTITION BY m"
                        + " SETTINGS replicated_deduplication_window = 10000",
                SchemaLayout.REPLICATED.apply("x ENGINE = AggregatingMergeTree\nPARTITION BY m"
                        + " SETTINGS non_replicated_deduplication_window = 10000"));
    }

    @Test
    void theWindowOfAnExistingTableIsSetUnderItsReplicatedName() {
        assertEquals(
                "ALTER TABLE d.events MODIFY SETTING replicated_deduplication_window = 10000",
                SchemaLayout.REPLICATED.apply(
                        "ALTER TABLE d.events MODIFY SETTING non_replicated_deduplication_window = 10000"));
    }

    @Test
    void aStatementWithoutEngineOrWindowIsTheSameInBothLayouts() {
        String view = "CREATE MATERIALIZED VIEW IF NOT EXISTS d.v TO d.t AS SELECT 1";
        assertEquals(view, SchemaLayout.REPLICATED.apply(view));
        String alreadyReplicated = "x ENGINE = ReplicatedMergeTree('/p', 'r') ORDER BY a";
        assertEquals(alreadyReplicated, SchemaLayout.REPLICATED.apply(alreadyReplicated));
    }

    @Test
    void theSingleLayoutIsTheFilesAsTheyAre() {
        String table = "x ENGINE = MergeTree ORDER BY a SETTINGS non_replicated_deduplication_window = 1";
        assertEquals(table, SchemaLayout.SINGLE.apply(table));
        assertEquals(
                SchemaInstaller.statements("clickstream", RETENTION),
                SchemaInstaller.statements("clickstream", RETENTION, SchemaLayout.SINGLE));
    }

    @Test
    void malformedEnginesAreRefusedNotGuessed() {
        assertThrows(
                IllegalArgumentException.class,
                () -> SchemaLayout.REPLICATED.apply("x ENGINE = SummingMergeTree((b, c) ORDER BY a"));
        assertThrows(
                IllegalArgumentException.class,
                () -> SchemaLayout.REPLICATED.apply("x ENGINE = MergeTree ORDER BY a; y ENGINE = MergeTree"));
    }

    @Test
    void everyTableOfTheBundledSchemaIsReplicatedAndNothingElseChanges() {
        List<String> single = SchemaInstaller.statements("clickstream", RETENTION, SchemaLayout.SINGLE);
        List<String> replicated = SchemaInstaller.statements("clickstream", RETENTION, SchemaLayout.REPLICATED);
        assertEquals(single.size(), replicated.size());
        int tables = 0;
        for (int i = 0; i < single.size(); i++) {
            String r = replicated.get(i);
            assertFalse(r.contains("non_replicated_"), r);
            Matcher engine = ANY_ENGINE.matcher(r);
            if (engine.find()) {
                tables++;
                assertTrue(engine.group(1).startsWith("Replicated"), r);
                assertTrue(r.contains(engine.group(1) + "(" + KEEPER), r);
            }
            // undo the two rules: what is left must be the single-server statement, character for character
            String back = r.replace("replicated_deduplication_window", "non_replicated_deduplication_window")
                    .replaceAll(
                            "ENGINE = Replicated(\\w*)MergeTree\\(" + Pattern.quote(KEEPER) + "\\)",
                            "ENGINE = $1MergeTree")
                    .replaceAll(
                            "ENGINE = Replicated(\\w*)MergeTree\\(" + Pattern.quote(KEEPER) + ", ",
                            "ENGINE = $1MergeTree(");
            assertEquals(single.get(i), back);
        }
        // events, 3 per-minute rollups, dead letters and their replays, sessions, category_day, category_minute,
        // erasures
        assertEquals(10, tables);
    }
}
