package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHouseEventWriter;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.clickhouse.Replication;
import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.consumer.clickhouse.SchemaLayout;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.dedup.BatchToken;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.service.kafka.TopicInitializer;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.ReplicatedClickHouse;
import io.clickstream.testsupport.RepositoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exactly once on a replicated ClickHouse: two replicas of one shard and three Keeper nodes, built
 * from the files docker-compose.cluster.yml mounts, with the schema in the replicated layout and the
 * least-privilege ingest user. Needs a Docker engine (Testcontainers); the GitHub workflow runs it
 * with {@code CLICKSTREAM_IT_DOCKER=required}, where a missing engine fails it. Without Docker it is
 * reported as skipped, with the reason: there is no local replicated ClickHouse.
 *
 * <p>Invariant, on each replica: every event acknowledged by Kafka is stored once ({@code count() ==
 * uniqExact(event_id) ==} events sent) and counted once in the rollups, whichever replica an insert
 * or its re-send reached, and through a replica restart in the middle of a drain.
 */
@ExtendWith(RealServices.class)
class ReplicatedClickHouseIT {
    private static final Map<String, String> VARIABLES = Map.of(
            "RAW_RETENTION_DAYS", "30",
            "ROLLUP_RETENTION_DAYS", "36500",
            "CLICKHOUSE_INGEST_PASSWORD", "ingest-replicated",
            "CLICKHOUSE_READER_PASSWORD", "reader-replicated");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private static ReplicatedClickHouse cluster;

    /** Per test, so that each is reported as skipped, with the reason, where Docker is missing. */
    @BeforeEach
    void startCluster() {
        Assumptions.assumeTrue(
                ReplicatedClickHouse.dockerAvailable(),
                "no Docker engine: a replicated ClickHouse (2 replicas, 3 Keepers) comes only from Testcontainers");
        if (cluster == null) {
            cluster = ReplicatedClickHouse.start(); // one cluster for the class, a database per test
        }
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** The replicated schema and the users on both replicas (users are each server's own); returns the database. */
    private static String replicatedSchema(String prefix) throws Exception {
        String database = prefix + "_" + Long.toHexString(System.nanoTime());
        String users = Files.readString(RepositoryLayout.resolve("clickhouse/access/010_users.sql"));
        for (int n = 1; n <= 2; n++) {
            ClickHouseService replica = cluster.replica(n);
            // Keeper elects its leader in the first seconds: the first CREATE may find no quorum yet
            Await.untilTrue("the replicated schema on replica " + n, Await.HANG, () -> {
                try (Connection connection =
                        DriverManager.getConnection(replica.jdbcUrl("default"), replica.user(), replica.password())) {
                    SchemaInstaller.install(connection, database, VARIABLES, SchemaLayout.REPLICATED);
                }
                return true;
            });
            for (String sql : SchemaInstaller.statements("010_users.sql", users, database, VARIABLES)) {
                replica.execute(sql);
            }
            assertEquals(
                    "ReplicatedMergeTree",
                    replica.query("SELECT engine FROM system.tables WHERE database = '" + database
                                    + "' AND name = 'events'")
                            .strip());
        }
        return database;
    }

    private static HikariDataSource ingestPool(String jdbcUrl) {
        return ClickHousePool.create(
                jdbcUrl, "clickstream_ingest", VARIABLES.get("CLICKHOUSE_INGEST_PASSWORD"), 2, TIMEOUT);
    }

    /** What replica {@code n} holds once it fetched everything the other stored. */
    private static long[] stored(int n, String database) {
        ClickHouseService replica = cluster.replica(n);
        replica.execute("SYSTEM SYNC REPLICA " + database + ".events");
        replica.execute("SYSTEM SYNC REPLICA " + database + ".events_per_minute");
        return new long[] {
            replica.queryLong("SELECT count() FROM " + database + ".events"),
            replica.queryLong("SELECT uniqExact(event_id) FROM " + database + ".events"),
            replica.queryLong("SELECT sum(events) FROM " + database + ".events_per_minute")
        };
    }

    private static void assertStoredOnceOnBothReplicas(String database, long expected) {
        for (int n = 1; n <= 2; n++) {
            long[] stored = stored(n, database);
            assertEquals(expected, stored[0], "rows on replica " + n);
            assertEquals(expected, stored[1], "distinct events on replica " + n);
            assertEquals(expected, stored[2], "events counted in events_per_minute on replica " + n);
        }
    }

    @Test
    void aBlockWhoseAnswerWasCutOnOneReplicaIsStoredOnceWhenReSentToTheOther(KafkaService kafka) throws Exception {
        String database = replicatedSchema("cut");
        String topic = "replicated-cut-" + UUID.randomUUID();
        TopicInitializer.ensureTopic(kafka.bootstrapServers(), topic, 1, (short) 1);
        List<EventRow> rows = new ArrayList<>();
        try (TestEvents events = new TestEvents(kafka, topic, 42)) {
            UUID topicId = TestEvents.topicId(kafka, topic);
            for (int offset = 0; offset < 1_000; offset++) {
                rows.add(new EventRow(events.next(), topic, topicId, 0, offset));
            }
        }
        String token = BatchToken.of(rows);
        ClickHouseService first = cluster.replica(1);
        try (FaultProxy proxy = FaultProxy.start(
                        first.httpEndpoint().getHost(), first.httpEndpoint().getPort());
                HikariDataSource viaProxy =
                        ingestPool("jdbc:clickhouse://127.0.0.1:" + proxy.port() + "/" + database + "?compress=false");
                HikariDataSource second = ingestPool(cluster.replica(2).jdbcUrl(database))) {
            // replica 1 stores the block (and waits for replica 2 to hold it too: quorum 2); its answer is lost
            proxy.cutInsertAnswers(1);
            WriteException lost = assertThrows(
                    WriteException.class,
                    () -> new ClickHouseEventWriter(viaProxy, new Replication(true, "2", TIMEOUT)).write(rows, token));
            assertEquals(WriteException.Kind.RETRIABLE, lost.kind(), lost.getMessage());
            assertEquals(1, proxy.faultsInjected());
            // the re-send, as the partition's next owner sends it, reaches the other replica: Keeper knows the token
            new ClickHouseEventWriter(second, new Replication(true, "2", TIMEOUT)).write(rows, token);
        }
        assertStoredOnceOnBothReplicas(database, rows.size());
    }

    @Test
    void aReplicaRestartedDuringADrainLosesNothingAndStoresNothingTwice(KafkaService kafka, @TempDir Path logs)
            throws Exception {
        String database = replicatedSchema("restart");
        String topic = "replicated-restart-" + UUID.randomUUID();
        TopicInitializer.ensureTopic(kafka.bootstrapServers(), topic, 4, (short) 1);
        int sent = 20_000;
        try (TestEvents events = new TestEvents(kafka, topic, 7)) {
            events.send(sent);
        }
        List<ConsumerProcess> consumers = new ArrayList<>();
        try {
            for (int n = 1; n <= 2; n++) {
                ClickHouseService replica = cluster.replica(n);
                List<String> args = ConsumerProcess.arguments(
                        kafka,
                        replica,
                        topic,
                        database,
                        "--clickhouse-user",
                        "clickstream_ingest",
                        "--clickhouse-password",
                        VARIABLES.get("CLICKHOUSE_INGEST_PASSWORD"),
                        "--schema",
                        "check",
                        "--insert-quorum",
                        "2",
                        "--batch-max-rows",
                        "500",
                        "--catch-up-max-rows",
                        "500",
                        "--batch-max-wait",
                        "200ms");
                consumers.add(ConsumerProcess.start(logs.resolve("consumer-" + n + ".log"), args));
            }
            // restart replica 2 once ingest is under way: both consumers' inserts wait for it (quorum 2)
            Await.untilTrue(
                    "a part of the drain stored",
                    Await.HANG,
                    () -> cluster.replica(1).queryLong("SELECT count() FROM " + database + ".events") >= 2_000);
            cluster.restart(2);
            Await.untilTrue(
                    "every event on replica 1",
                    Await.HANG,
                    () -> cluster.replica(1).queryLong("SELECT count() FROM " + database + ".events") >= sent);
        } finally {
            for (ConsumerProcess consumer : consumers) {
                consumer.terminate();
            }
        }
        assertStoredOnceOnBothReplicas(database, sent);
    }
}
