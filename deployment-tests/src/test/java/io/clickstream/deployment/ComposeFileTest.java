package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docker-compose.yml checked statically (no Docker engine here): services, health, order, files, variables. */
class ComposeFileTest {
    private static final Path COMPOSE = RepositoryLayout.resolve("docker-compose.yml");
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?:[:?-][^}]*)?}");
    /** As the Compose loader reads it: anchors and merge keys ({@code <<: *build}) resolved (SnakeYAML does). */
    private static final JsonNode FILE = composeFile();

    private static final JsonNode SERVICES = FILE.get("services");

    private static JsonNode composeFile() {
        try {
            Object tree = new org.yaml.snakeyaml.Yaml().load(Files.readString(COMPOSE));
            return new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(tree);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode service(String name) {
        JsonNode service = SERVICES.get(name);
        assertTrue(service != null, "service " + name + " missing");
        return service;
    }

    private static List<String> strings(JsonNode list) {
        List<String> values = new ArrayList<>();
        if (list != null) {
            list.forEach(v -> values.add(v.asText()));
        }
        return values;
    }

    static String env(String service, String name) {
        JsonNode value = service(service).get("environment").get(name);
        return value == null ? null : value.asText();
    }

    @Test
    void runsTheFiveServicesFromPinnedImages() {
        for (String name : List.of("kafka", "clickhouse", "grafana", "consumer", "producer")) {
            String image = service(name).get("image").asText();
            assertTrue(
                    image.matches("[a-z0-9./-]+:[0-9][A-Za-z0-9._-]*"), name + " image pinned to a version: " + image);
        }
        assertTrue(service("kafka").get("image").asText().startsWith("apache/kafka:4."));
        assertTrue(service("clickhouse").get("image").asText().startsWith("clickhouse/clickhouse-server:25."));
        assertTrue(service("grafana").get("image").asText().startsWith("grafana/grafana:12."));
    }

    @Test
    void kafkaIsKraftWithInternalAndHostListeners() {
        assertEquals("broker,controller", env("kafka", "KAFKA_PROCESS_ROLES"));
        assertTrue(env("kafka", "KAFKA_ADVERTISED_LISTENERS").contains("INTERNAL://kafka:29092"));
        assertTrue(env("kafka", "KAFKA_ADVERTISED_LISTENERS").contains("EXTERNAL://localhost:"));
        assertFalse(FILE.toString().toLowerCase().contains("zookeeper"), "no ZooKeeper anywhere but in comments");
        assertEquals("kafka:29092", env("consumer", "KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("kafka:29092", env("producer", "KAFKA_BOOTSTRAP_SERVERS"));
    }

    @Test
    void portsOnTheHostAreOnLoopbackByDefault() {
        assertEquals(
                List.of("${BIND_ADDRESS:-127.0.0.1}:${KAFKA_HOST_PORT:-9092}:9092"),
                strings(service("kafka").get("ports")));
        assertEquals(
                List.of("${BIND_ADDRESS:-127.0.0.1}:${CLICKHOUSE_HTTP_PORT:-8123}:8123"),
                strings(service("clickhouse").get("ports")));
        assertEquals(
                List.of("${BIND_ADDRESS:-127.0.0.1}:${GRAFANA_PORT:-3000}:3000"),
                strings(service("grafana").get("ports")));
        SERVICES.fields()
                .forEachRemaining(e -> strings(e.getValue().get("ports"))
                        .forEach(port -> assertTrue(
                                port.startsWith("${BIND_ADDRESS:-127.0.0.1}:"), e.getKey() + " publishes " + port)));
    }

    @Test
    void passwordsComeFromTheSecretsVolumeNeverFromTheComposeFile() throws IOException {
        JsonNode secrets = service("secrets");
        assertEquals(List.of("/bin/sh", "/clickstream/init-secrets.sh"), strings(secrets.get("entrypoint")));
        assertEquals("no", secrets.get("restart").asText(), "a one-shot");
        for (String name : List.of("clickhouse", "grafana", "consumer")) {
            assertTrue(strings(service(name).get("volumes")).contains("secrets:/run/clickstream-secrets:ro"), name);
        }
        assertEquals(
                "service_completed_successfully",
                service("clickhouse")
                        .get("depends_on")
                        .get("secrets")
                        .get("condition")
                        .asText());
        assertEquals("/run/clickstream-secrets/clickhouse_ingest", env("consumer", "CLICKHOUSE_PASSWORD_FILE"));
        assertEquals("/run/clickstream-secrets/grafana_admin", env("grafana", "GF_SECURITY_ADMIN_PASSWORD__FILE"));
        assertEquals(
                List.of("/bin/bash", "/clickstream/docker-entrypoint.sh"),
                strings(service("clickhouse").get("entrypoint")));
        String entrypoint = Files.readString(RepositoryLayout.resolve("clickhouse/docker-entrypoint.sh"));
        for (String secret : List.of("clickhouse_admin", "clickhouse_ingest", "clickhouse_reader")) {
            assertTrue(entrypoint.contains(secret), "the ClickHouse entrypoint reads " + secret);
        }
        assertTrue(
                entrypoint.contains("exec \"${CLICKHOUSE_IMAGE_ENTRYPOINT:-/entrypoint.sh}\" \"$@\""),
                "then runs the image's own entrypoint");
        // .env may still set a password: only the secrets service reads these variables, and none is required.
        for (String secret : List.of(
                "CLICKHOUSE_ADMIN_PASSWORD",
                "CLICKHOUSE_INGEST_PASSWORD",
                "CLICKHOUSE_READER_PASSWORD",
                "GRAFANA_ADMIN_PASSWORD",
                "MINIO_ROOT_PASSWORD")) {
            assertEquals("${" + secret + ":-}", env("secrets", secret));
            assertEquals(
                    1,
                    Files.readString(COMPOSE).split(Pattern.quote("${" + secret), -1).length - 1,
                    secret + " is read by the secrets service only");
        }
    }

    /**
     * The lake profile: MinIO and the exporter read the one password init-secrets.sh writes, the
     * exporter writes to the bucket the one-shot creates, after it and after the schema.
     */
    @Test
    void theLakeProfileSharesOnePasswordAndOneBucket() throws IOException {
        String secrets = Files.readString(RepositoryLayout.resolve("scripts/init-secrets.sh"));
        assertTrue(
                secrets.contains("ensure minio_root \"${MINIO_ROOT_PASSWORD:-}\""),
                "init-secrets.sh writes minio_root");
        assertEquals("/run/clickstream-secrets/minio_root", env("minio", "MINIO_ROOT_PASSWORD_FILE"));
        assertEquals("/run/clickstream-secrets/minio_root", env("exporter", "EXPORT_S3_SECRET_ACCESS_KEY_FILE"));
        assertEquals(env("minio", "MINIO_ROOT_USER"), env("exporter", "EXPORT_S3_ACCESS_KEY_ID"));
        for (String name : List.of("minio", "lake-bucket", "exporter")) {
            assertEquals(List.of("lake"), strings(service(name).get("profiles")), name);
            assertTrue(strings(service(name).get("volumes")).contains("secrets:/run/clickstream-secrets:ro"), name);
        }
        String script = String.join(" ", strings(service("lake-bucket").get("entrypoint")));
        assertTrue(script.contains("mc mb --ignore-existing lake/clickstream-lake"), script);
        List<String> command = strings(service("exporter").get("command"));
        assertEquals("s3://clickstream-lake/clickstream", command.get(command.indexOf("--output") + 1));
        assertEquals(service("minio").get("image"), service("lake-bucket").get("image"), "mc comes with MinIO's image");
        assertEquals(
                "service_completed_successfully",
                service("exporter")
                        .get("depends_on")
                        .get("lake-bucket")
                        .get("condition")
                        .asText());
        assertEquals(
                "service_healthy",
                service("lake-bucket")
                        .get("depends_on")
                        .get("minio")
                        .get("condition")
                        .asText());
    }

    /**
     * Every service has a memory limit, and the default stack's long-running services together fit
     * a 4 GB Docker VM with room for its OS (at most 3 GiB); Kafka's heap is set within its limit.
     */
    @Test
    void everyServiceHasAMemoryLimitAndTheStackFitsAFourGigabyteVm() {
        long total = 0;
        for (var it = SERVICES.fields(); it.hasNext(); ) {
            var entry = it.next();
            JsonNode limit = entry.getValue().get("mem_limit");
            assertTrue(limit != null && limit.asText().matches("\\d+m"), entry.getKey() + " mem_limit: " + limit);
            boolean oneShot = "no".equals(entry.getValue().path("restart").asText());
            if (!entry.getValue().has("profiles") && !oneShot) {
                total += Long.parseLong(limit.asText().replace("m", ""));
            }
        }
        assertTrue(total <= 3 * 1024, "the default stack's limits add up to " + total + " MiB");
        assertEquals("-Xms256m -Xmx256m", env("kafka", "KAFKA_HEAP_OPTS"), "Kafka's heap, not its 1 GB default");
    }

    @Test
    void healthChecksAndStartOrder() {
        for (String name : List.of("kafka", "clickhouse", "grafana", "consumer")) {
            assertTrue(service(name).has("healthcheck"), name + " has a health check");
        }
        for (String name : List.of("producer", "consumer")) {
            JsonNode dependsOn = service(name).get("depends_on");
            for (String dependency : List.of("kafka", "clickhouse")) {
                assertEquals(
                        "service_healthy",
                        dependsOn.get(dependency).get("condition").asText(),
                        name + " waits for " + dependency + " to be healthy");
            }
        }
        SERVICES.fields().forEachRemaining(e -> {
            if (!e.getValue().has("profiles") && !List.of("secrets", "schema").contains(e.getKey())) {
                assertEquals("unless-stopped", e.getValue().get("restart").asText(), e.getKey() + " restart policy");
            }
        });
    }

    @Test
    void grafanaGetsThePluginProvisioningAndDashboards() {
        assertTrue(env("grafana", "GF_PLUGINS_PREINSTALL_SYNC")
                .startsWith("grafana-clickhouse-datasource@4.")); // exact pin: DataSourceSettingsTypesTest
        List<String> volumes = strings(service("grafana").get("volumes"));
        assertTrue(volumes.contains("./grafana/provisioning:/etc/grafana/provisioning:ro,z"));
        assertTrue(
                volumes.contains("./grafana/dashboards:/var/lib/grafana/dashboards:ro,z"),
                "mounted where the dashboard provider looks");
        assertEquals(
                "clickstream_ingest", env("consumer", "CLICKHOUSE_USER"), "the consumer writes as the ingest user");
    }

    @Test
    void everyMountedFileExistsAndEveryNamedVolumeIsDeclared() {
        Set<String> declared = new TreeSet<>();
        FILE.get("volumes").fieldNames().forEachRemaining(declared::add);
        SERVICES.fields().forEachRemaining(e -> {
            for (String volume : strings(e.getValue().get("volumes"))) {
                String source = volume.substring(0, volume.indexOf(':'));
                if (source.startsWith(".")) {
                    assertTrue(
                            Files.exists(RepositoryLayout.resolve(source)), e.getKey() + " mounts missing " + source);
                } else {
                    assertTrue(declared.contains(source), e.getKey() + " uses undeclared volume " + source);
                }
            }
        });
        for (String script :
                List.of("clickhouse/docker-init.sh", "clickhouse/docker-entrypoint.sh", "scripts/init-secrets.sh")) {
            assertTrue(Files.isExecutable(RepositoryLayout.resolve(script)), script + " is executable");
        }
    }

    @Test
    void variablesAreExactlyThoseOfEnvExample() throws IOException {
        Set<String> documented = EnvExample.variables();
        Set<String> used = new TreeSet<>();
        Matcher m = VARIABLE.matcher(Files.readString(COMPOSE));
        while (m.find()) {
            used.add(m.group(1));
        }
        Set<String> undocumented = new TreeSet<>(used);
        undocumented.removeAll(documented);
        assertEquals(Set.of(), undocumented, "used in docker-compose.yml, missing from .env.example");
        Set<String> unused = new TreeSet<>(documented);
        unused.removeAll(used);
        assertEquals(Set.of(), unused, "in .env.example, unused by docker-compose.yml");
        assertFalse(Files.readString(COMPOSE).contains(":?"), "no variable is required: it runs without a .env");
    }

    /**
     * One Dockerfile: a build stage compiles the reactor once, and each service's target copies
     * its jar from it into a JRE image that runs as non-root; every base image pinned.
     */
    @Test
    void oneBuildStageMakesTheJarsAndEachTargetRunsOneAsNonRoot() throws IOException {
        String text = Files.readString(RepositoryLayout.resolve("Dockerfile"));
        List<String> froms = text.lines().filter(l -> l.startsWith("FROM ")).toList();
        assertEquals(
                1,
                text.lines()
                        .filter(l -> l.contains("sh scripts/maven-with-proxy.sh "))
                        .count(),
                "Maven runs once, through the proxy script: " + text);
        for (String module : List.of("producer", "consumer", "collector")) {
            JsonNode build = service(module).get("build");
            assertEquals(".", build.get("context").asText());
            assertEquals(module, build.get("target").asText(), module);
            assertEquals(
                    "${HTTPS_PROXY:-}", build.get("args").get("HTTPS_PROXY").asText(), "the proxy reaches Maven");
            assertTrue(froms.contains("FROM runtime AS " + module), "a target " + module);
            String jar = "clickstream-" + module + ".jar";
            assertTrue(text.contains("COPY --from=build /src/" + module + "/target/" + jar), "copies the built " + jar);
            assertTrue(
                    Files.readString(RepositoryLayout.resolve(module + "/pom.xml"))
                            .contains("<finalName>clickstream-" + module + "</finalName>"),
                    "the pom builds " + jar);
        }
        assertTrue(text.contains("-pl consumer,producer,collector -am package"), "the three jars in one build");
        assertTrue(text.contains("-Dspotless.check.skip=true"), "no format check without .git");
        assertTrue(text.lines().anyMatch(l -> l.startsWith("USER ") && !l.contains("root")), "the runtime is non-root");
        for (String from : froms) {
            assertTrue(
                    from.matches("FROM [a-z0-9./-]+:[0-9][A-Za-z0-9._-]*( AS \\w+)?")
                            || from.startsWith("FROM runtime AS "),
                    "pinned: " + from);
        }
        try (Stream<String> lines = Files.lines(RepositoryLayout.resolve(".dockerignore"))) {
            assertTrue(
                    lines.anyMatch(l -> l.contains("target")), ".dockerignore keeps build output out of the context");
        }
    }

    /**
     * The schema one-shot runs the consumer image's apply-schema as the administrator after
     * ClickHouse is healthy and before the consumer, which only checks, starts: an upgrade's new
     * columns and views reach a deployment whose ClickHouse ran its init scripts long ago.
     */
    @Test
    void theSchemaIsAppliedAtEveryStartBeforeTheConsumer() {
        JsonNode schema = service("schema");
        assertEquals(
                service("consumer").get("image").asText(), schema.get("image").asText());
        assertEquals(List.of("apply-schema"), strings(schema.get("command")));
        assertEquals("default", env("schema", "CLICKHOUSE_USER"));
        assertEquals("/run/clickstream-secrets/clickhouse_admin", env("schema", "CLICKHOUSE_PASSWORD_FILE"));
        assertEquals(
                "service_healthy",
                schema.get("depends_on").get("clickhouse").get("condition").asText());
        assertEquals("no", schema.get("restart").asText());
        assertEquals(
                "service_completed_successfully",
                service("consumer")
                        .get("depends_on")
                        .get("schema")
                        .get("condition")
                        .asText());
        assertEquals("check", env("consumer", "CLICKHOUSE_SCHEMA"));
    }

    @Test
    void loadProfileAddsAFastProducer() {
        JsonNode load = service("producer-load");
        assertEquals(List.of("load"), strings(load.get("profiles")));
        assertEquals(
                "${LOAD_PRODUCER_RATE:-5000}",
                load.get("environment").get("PRODUCER_RATE").asText());
    }
}
