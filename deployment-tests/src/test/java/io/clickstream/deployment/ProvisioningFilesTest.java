package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The provisioning files parse, reference what exists, and use only documented variables. */
class ProvisioningFilesTest {
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{?([A-Z][A-Z0-9_]*)");
    private static final Pattern SQL_PLACEHOLDER = Pattern.compile("\\{\\{([A-Z0-9_]+)}}");

    private static String datasourceUid() {
        return Provisioning.yaml(Provisioning.DATASOURCE)
                .get("datasources")
                .get(0)
                .get("uid")
                .asText();
    }

    @Test
    void dashboardIsTheLiveViewAndUsesTheProvisionedDataSource() {
        JsonNode dashboard = Provisioning.dashboard();
        assertEquals("Clickstream \u2014 live", dashboard.get("title").asText());
        assertEquals("5s", dashboard.get("refresh").asText());
        assertEquals("now-15m", dashboard.get("time").get("from").asText());
        assertEquals(17, panelsUseTheDataSourceAndFitTheGrid(dashboard));
    }

    @Test
    void trendsDashboardReadsRollupsOnlyOverWeeks() {
        JsonNode trends = Provisioning.trends();
        assertEquals("clickstream-trends", trends.get("uid").asText());
        assertEquals("Clickstream \u2014 trends", trends.get("title").asText());
        assertEquals("now-30d", trends.get("time").get("from").asText());
        assertEquals(7, panelsUseTheDataSourceAndFitTheGrid(trends));
        Provisioning.trendsPanelQueries()
                .forEach((title, sql) -> assertFalse(
                        sql.contains("clickstream.events\n") || sql.contains("clickstream.events "),
                        title + " reads a rollup, never the raw events"));
    }

    @Test
    void sourcesDashboardReadsTheSessionsRollupAndLeavesBotsOutByDefault() {
        JsonNode sources = Provisioning.sources();
        assertEquals("clickstream-sources", sources.get("uid").asText());
        assertEquals(
                "Clickstream \u2014 sources and campaigns", sources.get("title").asText());
        assertEquals(8, panelsUseTheDataSourceAndFitTheGrid(sources));
        Provisioning.sourcesPanelQueries()
                .forEach((title, sql) -> assertTrue(
                        sql.contains("FROM clickstream.sessions\n") && !sql.contains("clickstream.events"),
                        title + " reads the sessions rollup, never the raw events"));
        JsonNode visitors = sources.get("templating").get("list").get(0);
        assertEquals("visitors", visitors.get("name").asText());
        assertEquals("custom", visitors.get("type").asText());
        assertEquals("person,bot", visitors.get("query").asText());
        assertEquals("[\"person\"]", visitors.get("current").get("value").toString(), "people only by default");
    }

    /** @return the number of panels */
    private int panelsUseTheDataSourceAndFitTheGrid(JsonNode dashboard) {
        Set<Integer> ids = new HashSet<>();
        for (JsonNode panel : dashboard.get("panels")) {
            String title = panel.get("title").asText();
            assertTrue(ids.add(panel.get("id").asInt()), "duplicate panel id in " + title);
            assertEquals(datasourceUid(), panel.get("datasource").get("uid").asText(), title);
            JsonNode grid = panel.get("gridPos");
            assertTrue(grid.get("x").asInt() + grid.get("w").asInt() <= 24, title + " fits the 24-column grid");
            for (JsonNode target : panel.get("targets")) {
                assertEquals(
                        datasourceUid(), target.get("datasource").get("uid").asText(), title);
                assertFalse(target.get("rawSql").asText().isBlank(), title);
            }
        }
        return ids.size();
    }

    @Test
    void dataSourceIsTheReadOnlyUserOverHttp() throws IOException {
        JsonNode ds =
                Provisioning.yaml(Provisioning.DATASOURCE).get("datasources").get(0);
        assertEquals("grafana-clickhouse-datasource", ds.get("type").asText());
        assertEquals("clickstream_reader", ds.get("jsonData").get("username").asText());
        assertEquals("http", ds.get("jsonData").get("protocol").asText());
        // No password committed: Grafana reads the file the secrets service wrote, mounted by docker compose.
        assertEquals(
                "$__file{/run/clickstream-secrets/clickhouse_reader}",
                ds.get("secureJsonData").get("password").asText());
        String users = Files.readString(RepositoryLayout.resolve("clickhouse/access/010_users.sql"));
        assertTrue(
                users.contains("GRANT SELECT ON clickstream.* TO clickstream_reader;"),
                "reader may only read clickstream");
        assertTrue(users.contains("SETTINGS readonly = 2"), "reader cannot write but may set max_execution_time");
        assertTrue(
                users.contains("GRANT INSERT, SELECT ON clickstream.events TO clickstream_ingest;"),
                "ingest user: the events table only");
    }

    @Test
    void dashboardProviderLoadsTheCommittedDashboards() {
        JsonNode provider = Provisioning.yaml(Provisioning.DASHBOARD_PROVIDER)
                .get("providers")
                .get(0);
        assertEquals("file", provider.get("type").asText());
        assertEquals(
                "/var/lib/grafana/dashboards",
                provider.get("options").get("path").asText());
        assertTrue(Files.exists(Provisioning.DASHBOARD));
    }

    @Test
    void alertRulesQueryTheDataSourceAndHaveTheirCondition() {
        JsonNode groups = Provisioning.yaml(Provisioning.ALERTS).get("groups");
        int rules = 0;
        for (JsonNode group : groups) {
            for (JsonNode rule : group.get("rules")) {
                rules++;
                Set<String> refIds = new HashSet<>();
                for (JsonNode step : rule.get("data")) {
                    refIds.add(step.get("refId").asText());
                    String uid = step.get("datasourceUid").asText();
                    assertTrue(uid.equals(datasourceUid()) || uid.equals("__expr__"), rule.get("title") + ": " + uid);
                }
                assertTrue(
                        refIds.contains(rule.get("condition").asText()),
                        rule.get("title") + " condition refers to a step");
            }
        }
        assertEquals(5, rules);
    }

    @Test
    void everyVariableUsedIsDocumentedInEnvExample() throws IOException {
        Set<String> documented = EnvExample.variables();
        Set<String> used = new TreeSet<>();
        try (Stream<Path> files = Files.walk(RepositoryLayout.resolve("grafana"))) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Matcher m = ENV_REFERENCE.matcher(Files.readString(file));
                while (m.find()) {
                    used.add(m.group(1));
                }
            }
        }
        for (Path sql : Stream.concat(
                        Schema.files("clickhouse/init").stream(), Schema.files("clickhouse/access").stream())
                .toList()) {
            Matcher m = SQL_PLACEHOLDER.matcher(Files.readString(sql));
            while (m.find()) {
                used.add(m.group(1));
            }
        }
        assertFalse(used.isEmpty());
        used.removeAll(documented);
        assertEquals(List.of(), List.copyOf(used), "variables used but missing from .env.example");
    }
}
