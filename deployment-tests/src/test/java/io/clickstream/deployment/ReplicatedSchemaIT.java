package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.consumer.clickhouse.SchemaLayout;
import io.clickstream.testsupport.LocalClickHouseServer;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.zookeeper.server.embedded.ZooKeeperServerEmbedded;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replicated schema (SchemaLayout) created by ClickHouse's engine itself, with the replica
 * configuration the cluster mounts (cluster/clickhouse-replica.xml, its Keeper nodes swapped for a
 * ZooKeeper this test runs): two replicas, each a process of the local engine with its own data,
 * run every CREATE of the replicated layout. What must hold: every table of both replicas is a
 * replica of one table in Keeper (the same path, the replica's own name), which ClickHouse accepts
 * for the second replica only if its table's structure is the one the first registered.
 *
 * <p>Only the CREATE statements: the embedded engine never activates a replica (its tables stay
 * read-only, so ALTERs and inserts on them do not run here); those run on a ClickHouse server in
 * ReplicatedClickHouseIT (Testcontainers).
 */
class ReplicatedSchemaIT {
    private static final String DATABASE = "clickstream";
    private static ZooKeeperServerEmbedded zooKeeper;
    private static int zooKeeperPort;
    private static Path zooKeeperDir;

    @BeforeAll
    static void startZooKeeper() throws Exception {
        zooKeeperDir = Files.createTempDirectory("zookeeper-");
        try (ServerSocket socket = new ServerSocket(0)) {
            zooKeeperPort = socket.getLocalPort();
        }
        Properties config = new Properties();
        config.setProperty("clientPort", Integer.toString(zooKeeperPort));
        config.setProperty("clientPortAddress", "127.0.0.1");
        config.setProperty("tickTime", "2000");
        config.setProperty("admin.enableServer", "false");
        zooKeeper = ZooKeeperServerEmbedded.builder()
                .baseDir(zooKeeperDir)
                .configuration(config)
                .build();
        zooKeeper.start();
    }

    @AfterAll
    static void stopZooKeeper() {
        if (zooKeeper != null) {
            zooKeeper.close();
        }
    }

    /**
     * A replica's configuration: the cluster's file as it is, but for its Keeper nodes (keeper-1..3 on
     * the compose network), replaced by this test's ZooKeeper.
     */
    private static Path replicaConfig(Path dir) throws IOException {
        String file = Files.readString(RepositoryLayout.resolve("cluster/clickhouse-replica.xml"));
        int from = file.indexOf("<zookeeper>");
        int to = file.indexOf("</zookeeper>") + "</zookeeper>".length();
        assertTrue(from > 0 && to > from, "cluster/clickhouse-replica.xml names its Keeper nodes in <zookeeper>");
        String local = "<zookeeper><node><host>127.0.0.1</host><port>" + zooKeeperPort + "</port></node></zookeeper>";
        return Files.writeString(dir.resolve("replica.xml"), file.substring(0, from) + local + file.substring(to));
    }

    /** Runs {@code statements} on a fresh replica named {@code replica}; prints table|path|replica per table. */
    private static TestProcesses.Finished replica(Path dir, String replica, List<String> statements) throws Exception {
        Path sql = Files.writeString(
                dir.resolve(replica + ".sql"), String.join("\n;;\n", statements), StandardCharsets.UTF_8);
        Path script = Files.writeString(
                dir.resolve("replica.py"),
                "import chdb, os, sys\n"
                        + "conn = chdb.connect('file:' + sys.argv[1] + '?config-file=' + sys.argv[2])\n"
                        + "cur = conn.cursor()\n"
                        + "try:\n"
                        + "    for statement in open(sys.argv[3]).read().split('\\n;;\\n'):\n"
                        + "        cur.execute(statement)\n"
                        + "    cur.execute(\"SELECT table, zookeeper_path, replica_name FROM system.replicas WHERE"
                        + " database = '" + DATABASE + "' ORDER BY table\")\n"
                        + "    for row in cur.fetchall():\n"
                        + "        print('|'.join(row))\n"
                        + "    print('DONE', flush=True)\n"
                        + "except Exception as e:\n"
                        + "    print('FAILED', e, flush=True)\n"
                        + "    sys.stdout.flush()\n"
                        + "    os._exit(1)\n"
                        // the embedded engine's threads do not stop cleanly at exit: leave without them
                        + "os._exit(0)\n");
        ProcessBuilder builder = new ProcessBuilder(
                LocalClickHouseServer.python(),
                script.toString(),
                dir.resolve(replica).toString(),
                replicaConfig(dir).toString(),
                sql.toString());
        builder.environment().put("CLICKHOUSE_REPLICA", replica);
        return TestProcesses.run(builder, "the engine as " + replica);
    }

    private static List<String> creates(List<String> statements) {
        return statements.stream().filter(s -> s.startsWith("CREATE")).toList();
    }

    @Test
    void bothReplicasOfEveryTableJoinOnePathInKeeper(@TempDir Path dir) throws Exception {
        List<String> statements =
                creates(SchemaInstaller.statements(DATABASE, Schema.VARIABLES, SchemaLayout.REPLICATED));
        TreeMap<String, String> first = tables(replica(dir, "clickhouse-1", statements), "clickhouse-1");
        TreeMap<String, String> second = tables(replica(dir, "clickhouse-2", statements), "clickhouse-2");
        assertEquals(
                List.of(
                        "category_day",
                        "category_minute",
                        "dead_letter_replays",
                        "dead_letters",
                        "erasures",
                        "events",
                        "events_per_minute",
                        "product_minute",
                        "segment_minute",
                        "sessions"),
                List.copyOf(first.keySet()));
        assertEquals(first, second, "the same Keeper path for each table on both replicas");
        first.forEach((table, path) -> assertEquals("/clickhouse/tables/01/" + DATABASE + "/" + table, path));
    }

    @Test
    void aReplicaWhoseTableDiffersIsRefusedByTheEngine(@TempDir Path dir) throws Exception {
        // what the check above relies on: ClickHouse compares a joining replica's table with Keeper's
        String database = "drift";
        List<String> statements =
                creates(SchemaInstaller.statements(database, Schema.VARIABLES, SchemaLayout.REPLICATED)).stream()
                        .filter(s -> s.contains(database + ".events") || s.startsWith("CREATE DATABASE"))
                        .filter(s -> !s.contains("MATERIALIZED VIEW"))
                        .toList();
        TestProcesses.Finished first = replica(dir, "clickhouse-1", statements);
        assertTrue(first.output().contains("DONE"), first.output());
        List<String> drifted = statements.stream()
                .map(s -> s.replace("ORDER BY (event_type, timestamp)", "ORDER BY (event_type, timestamp, user_id)"))
                .collect(Collectors.toList());
        TestProcesses.Finished second = replica(dir, "clickhouse-2", drifted);
        assertNotEquals(0, second.exitCode(), second.output());
        // "Existing table metadata in ZooKeeper differs in sorting key expression" (METADATA_MISMATCH)
        assertTrue(
                second.output().contains("FAILED") && second.output().contains("METADATA_MISMATCH"), second.output());
    }

    private static TreeMap<String, String> tables(TestProcesses.Finished run, String replica) {
        assertEquals(0, run.exitCode(), run.output());
        assertTrue(run.output().contains("DONE"), run.output());
        TreeMap<String, String> tables = new TreeMap<>();
        run.output().lines().filter(line -> line.split("\\|").length == 3).forEach(line -> {
            String[] f = line.split("\\|");
            assertEquals(replica, f[2], line);
            tables.put(f[0], f[1]);
        });
        return tables;
    }
}
