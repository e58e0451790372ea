package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.LocalClickHouseServer;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The cluster's configuration files (docker-compose.cluster.yml) read by the programs that read them
 * in the cluster: HAProxy's own parser for the balancer, ClickHouse's configuration loader (the local
 * engine) for a replica's config.d file, with the environment compose gives each replica. What the
 * compose file gives each service is checked by deployment-tests/compose-check.
 */
class ClusterConfigIT {
    private static TestProcesses.Finished run(Map<String, String> env, String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        try {
            return TestProcesses.run(builder, command[0]);
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command[0] + " (.ci/run installs it): " + e.getMessage(), e);
        }
    }

    @Test
    void haproxyAcceptsTheBalancersConfigurationAndRefusesABrokenOne(@TempDir Path dir) throws Exception {
        Path config = RepositoryLayout.resolve("cluster/haproxy.cfg");
        TestProcesses.Finished check = run(Map.of(), "haproxy", "-c", "-f", config.toString());
        assertEquals(0, check.exitCode(), check.output());
        // the same check finds a mistake: a frontend sending to a backend that does not exist
        Path broken = dir.resolve("haproxy.cfg");
        Files.writeString(
                broken, Files.readString(config).replace("default_backend collectors", "default_backend collector"));
        assertNotEquals(
                0, run(Map.of(), "haproxy", "-c", "-f", broken.toString()).exitCode());
    }

    @Test
    void eachReplicaGetsItsMacrosAndInterserverHostFromItsEnvironment(@TempDir Path dir) throws Exception {
        String python = LocalClickHouseServer.python();
        String probe = "import chdb, sys\n"
                + "conn = chdb.connect('file:' + sys.argv[1] + '?config-file=' + sys.argv[2])\n"
                + "cur = conn.cursor()\n"
                + "cur.execute(\"SELECT getMacro('shard'), getMacro('replica'), (SELECT value FROM"
                + " system.server_settings WHERE name = 'interserver_http_host')\")\n"
                + "print('|'.join(cur.fetchall()[0]), flush=True)\n";
        Path script = Files.writeString(dir.resolve("probe.py"), probe);
        String config =
                RepositoryLayout.resolve("cluster/clickhouse-replica.xml").toString();
        for (String replica : List.of("clickhouse-1", "clickhouse-2")) {
            TestProcesses.Finished answer = run(
                    Map.of("CLICKHOUSE_REPLICA", replica),
                    python,
                    script.toString(),
                    dir.resolve(replica).toString(),
                    config);
            assertEquals(0, answer.exitCode(), answer.output());
            // the same shard, the replica's own name: SchemaLayout's Keeper path makes them replicas of one table
            assertTrue(answer.output().lines().anyMatch(("01|" + replica + "|" + replica)::equals), answer.output());
        }
    }

    @Test
    void threeKeeperNodesEachNamedByItsEnvironmentAndTheReplicasKnowThemAll() throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        Document keeper = factory.newDocumentBuilder()
                .parse(RepositoryLayout.resolve("cluster/keeper.xml").toFile());
        Element serverId = (Element) keeper.getElementsByTagName("server_id").item(0);
        assertEquals("KEEPER_SERVER_ID", serverId.getAttribute("from_env"));
        List<String> raft = new ArrayList<>();
        NodeList servers = keeper.getElementsByTagName("server");
        for (int i = 0; i < servers.getLength(); i++) {
            Element server = (Element) servers.item(i);
            raft.add(text(server, "id") + "@" + text(server, "hostname") + ":" + text(server, "port"));
        }
        assertEquals(List.of("1@keeper-1:9234", "2@keeper-2:9234", "3@keeper-3:9234"), raft);
        String port = text(keeper.getDocumentElement(), "tcp_port");

        Document replica = factory.newDocumentBuilder()
                .parse(RepositoryLayout.resolve("cluster/clickhouse-replica.xml")
                        .toFile());
        List<String> nodes = new ArrayList<>();
        NodeList zookeeper = replica.getElementsByTagName("node");
        for (int i = 0; i < zookeeper.getLength(); i++) {
            Element node = (Element) zookeeper.item(i);
            nodes.add(text(node, "host") + ":" + text(node, "port"));
        }
        assertEquals(List.of("keeper-1:" + port, "keeper-2:" + port, "keeper-3:" + port), nodes);
    }

    private static String text(Element parent, String tag) {
        return parent.getElementsByTagName(tag).item(0).getTextContent().strip();
    }
}
