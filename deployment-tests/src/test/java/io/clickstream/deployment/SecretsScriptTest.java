package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/init-secrets.sh, docker compose's one-shot secrets service, run as the service runs it
 * ({@code /bin/sh}), into a temporary directory instead of the secrets volume.
 */
class SecretsScriptTest {
    private static final List<String> SECRETS =
            List.of("clickhouse_admin", "clickhouse_ingest", "clickhouse_reader", "grafana_admin", "minio_root");

    private static TestProcesses.Finished run(Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                "/bin/sh", RepositoryLayout.resolve("scripts/init-secrets.sh").toString());
        builder.environment().put("SECRETS_DIR", dir.toString());
        builder.environment().putAll(env);
        return TestProcesses.run(builder, "init-secrets.sh");
    }

    private static Map<String, String> read(Path dir) throws Exception {
        Map<String, String> values = new HashMap<>();
        for (String name : SECRETS) {
            values.put(name, Files.readString(dir.resolve(name)));
        }
        return values;
    }

    @Test
    void generatesEveryPasswordOnceAndKeepsItOnTheNextStart(@TempDir Path dir) throws Exception {
        TestProcesses.Finished first = run(dir, Map.of());
        assertEquals(0, first.exitCode(), first.output());
        Map<String, String> generated = read(dir);
        for (String name : SECRETS) {
            assertTrue(generated.get(name).matches("[A-Za-z0-9]{24}"), name + ": " + generated.get(name));
            assertEquals("r--r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(name))));
        }
        assertEquals(5, generated.values().stream().distinct().count(), "five different passwords");
        assertFalse(first.output().contains(generated.get("grafana_admin")), "no password is printed");

        TestProcesses.Finished second = run(dir, Map.of());
        assertEquals(0, second.exitCode(), second.output());
        assertEquals(generated, read(dir), "kept across starts");
    }

    @Test
    void aPasswordFromTheEnvironmentIsUsedAndOneWithAQuoteIsRefused(@TempDir Path dir) throws Exception {
        run(dir, Map.of());
        TestProcesses.Finished given = run(dir, Map.of("GRAFANA_ADMIN_PASSWORD", "chosen-by-me"));
        assertEquals(0, given.exitCode(), given.output());
        assertEquals("chosen-by-me", Files.readString(dir.resolve("grafana_admin")));

        TestProcesses.Finished quoted = run(dir, Map.of("CLICKHOUSE_READER_PASSWORD", "it's"));
        assertEquals(1, quoted.exitCode());
        assertTrue(
                quoted.output().contains("the password for clickhouse_reader must not contain a quote or a backslash"),
                quoted.output());
    }
}
