package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * clickhouse/docker-init.sh and docker-entrypoint.sh, run by bash as the ClickHouse image runs
 * them, with a stand-in for the clickhouse client that records each SQL file it is given (and can
 * fail on one, as a start killed or failing mid-init does). What must hold: a start that did not
 * complete leaves no marker, so the next one applies schema and users again; once complete, each
 * start applies the users with the passwords of that start; the image is always asked to run it.
 */
class ClickHouseInitScriptTest {
    private record Run(int exitCode, String output, List<String> applied) {}

    /** Runs docker-init.sh; the stand-in client fails on the file whose name contains {@code failOn}. */
    private static Run init(Path dir, String failOn) throws Exception {
        return init(dir, failOn, Map.of());
    }

    private static Run init(Path dir, String failOn, Map<String, String> extraEnv) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path client = bin.resolve("clickhouse");
        Files.writeString(
                client,
                "#!/bin/bash\n"
                        + "sql=\"$(cat)\"\n"
                        + "echo \"$sql\" >> \"$APPLIED\"\necho ---- >> \"$APPLIED\"\n"
                        + "if [[ -n \"$FAIL_ON\" && \"$sql\" == *\"$FAIL_ON\"* ]]; then echo 'Code: 210. killed' >&2; exit 1; fi\n");
        assertTrue(client.toFile().setExecutable(true));
        Path applied = dir.resolve("applied.log");
        Files.deleteIfExists(applied);
        Files.createFile(applied);
        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        RepositoryLayout.resolve("clickhouse/docker-init.sh").toString())
                .redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("PATH", bin + ":" + env.get("PATH"));
        env.put("CLICKSTREAM_SQL_DIR", RepositoryLayout.resolve("clickhouse").toString());
        env.put("CLICKSTREAM_INIT_MARKER", dir.resolve("clickstream-init.done").toString());
        env.put("CLICKHOUSE_INGEST_PASSWORD", "ingest-1");
        env.put("CLICKHOUSE_READER_PASSWORD", "reader-1");
        env.put("APPLIED", applied.toString());
        env.put("FAIL_ON", failOn);
        env.putAll(extraEnv);
        TestProcesses.Finished finished = TestProcesses.run(builder, "docker-init.sh");
        List<String> files = List.of(Files.readString(applied).split("----\n")).stream()
                .filter(sql -> !sql.isBlank())
                .toList();
        return new Run(finished.exitCode(), finished.output(), files);
    }

    @Test
    void aFirstStartCutShortIsDoneAgainAndACompleteOneAppliesOnlyTheUsers(@TempDir Path dir) throws Exception {
        Path marker = dir.resolve("clickstream-init.done");
        int schemaFiles;
        try (var files = Files.list(RepositoryLayout.resolve("clickhouse/init"))) {
            schemaFiles = (int) files.filter(f -> f.toString().endsWith(".sql")).count();
        }

        // killed while applying the rollups: no marker
        Run cut = init(dir, "CREATE TABLE IF NOT EXISTS clickstream.events_per_minute");
        assertTrue(cut.exitCode() != 0, cut.output());
        assertFalse(Files.exists(marker), "an incomplete init leaves no marker");

        // the next start applies everything, schema and users, and only then marks it done
        Run again = init(dir, "");
        assertEquals(0, again.exitCode(), again.output());
        assertEquals(schemaFiles + 1, again.applied().size(), "every schema file, then the users");
        assertTrue(
                again.applied().get(0).contains("CREATE DATABASE IF NOT EXISTS clickstream"),
                again.applied().get(0));
        assertTrue(again.applied().get(schemaFiles).contains("CREATE USER IF NOT EXISTS clickstream_ingest"));
        assertTrue(Files.exists(marker));
        assertFalse(String.join("", again.applied()).contains("{{"), "every placeholder substituted");

        // later starts: the users, with the passwords of that start
        Run later = init(dir, "");
        assertEquals(0, later.exitCode(), later.output());
        assertEquals(1, later.applied().size(), later.output());
        assertTrue(
                later.applied()
                        .get(0)
                        .contains("ALTER USER clickstream_ingest IDENTIFIED WITH sha256_password BY 'ingest-1'"),
                later.applied().get(0));
        assertTrue(later.applied()
                .get(0)
                .contains("ALTER USER clickstream_reader IDENTIFIED WITH sha256_password BY 'reader-1'"));
    }

    @Test
    void aReplicaOfTheClusterGetsTheUsersOnlyEvenAtItsFirstStart(@TempDir Path dir) throws Exception {
        // its tables are Replicated*, created by apply-schema --schema-layout replicated: never the
        // single-server files, which would make MergeTree tables of the same names first
        Run first = init(dir, "", Map.of("CLICKSTREAM_INIT_SCHEMA", "false"));
        assertEquals(0, first.exitCode(), first.output());
        assertEquals(1, first.applied().size(), first.output());
        assertTrue(first.applied().get(0).contains("CREATE USER IF NOT EXISTS clickstream_ingest"));
        assertFalse(String.join("", first.applied()).contains("ENGINE"), "no table created");
    }

    @Test
    void theEntrypointAsksTheImageToRunItAtEveryStart(@TempDir Path dir) throws Exception {
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        for (String name : List.of("clickhouse_admin", "clickhouse_ingest", "clickhouse_reader")) {
            Files.writeString(secrets.resolve(name), name + "-password");
        }
        Path image = dir.resolve("image-entrypoint.sh");
        Files.writeString(
                image,
                "#!/bin/bash\necho \"always=$CLICKHOUSE_ALWAYS_RUN_INITDB_SCRIPTS"
                        + " ingest=$CLICKHOUSE_INGEST_PASSWORD args=$*\"\n");
        assertTrue(image.toFile().setExecutable(true));
        ProcessBuilder builder = new ProcessBuilder(
                        "bash",
                        RepositoryLayout.resolve("clickhouse/docker-entrypoint.sh")
                                .toString(),
                        "server")
                .redirectErrorStream(true);
        builder.environment().put("CLICKSTREAM_SECRETS_DIR", secrets.toString());
        builder.environment().put("CLICKHOUSE_IMAGE_ENTRYPOINT", image.toString());
        TestProcesses.Finished entrypoint = TestProcesses.run(builder, "docker-entrypoint.sh");
        assertEquals(0, entrypoint.exitCode(), entrypoint.output());
        assertEquals(
                "always=true ingest=clickhouse_ingest-password args=server",
                entrypoint.output().trim());
    }
}
