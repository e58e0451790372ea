package io.clickstream.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The committed Grafana files, parsed: what deployment mounts is what the tests read. */
final class Provisioning {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path DASHBOARD = RepositoryLayout.resolve("grafana/dashboards/clickstream-live.json");
    static final Path TRENDS = RepositoryLayout.resolve("grafana/dashboards/clickstream-trends.json");
    static final Path SOURCES = RepositoryLayout.resolve("grafana/dashboards/clickstream-sources.json");
    static final Path DATASOURCE = RepositoryLayout.resolve("grafana/provisioning/datasources/clickhouse.yaml");
    static final Path DASHBOARD_PROVIDER = RepositoryLayout.resolve("grafana/provisioning/dashboards/clickstream.yaml");
    static final Path ALERTS = RepositoryLayout.resolve("grafana/provisioning/alerting/clickstream-alerts.yaml");

    private Provisioning() {}

    static JsonNode dashboard() {
        return read(JSON, DASHBOARD);
    }

    static JsonNode trends() {
        return read(JSON, TRENDS);
    }

    static JsonNode sources() {
        return read(JSON, SOURCES);
    }

    static JsonNode yaml(Path file) {
        return read(YAML, file);
    }

    private static JsonNode read(ObjectMapper mapper, Path file) {
        try {
            return mapper.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot parse " + file, e);
        }
    }

    /** Panel title → its SQL, in dashboard order (every panel here has one query). */
    static Map<String, String> panelQueries() {
        return panelQueries(dashboard());
    }

    /** The trends dashboard's panels: title → SQL. */
    static Map<String, String> trendsPanelQueries() {
        return panelQueries(trends());
    }

    /** The sources and campaigns dashboard's panels: title → SQL. */
    static Map<String, String> sourcesPanelQueries() {
        return panelQueries(sources());
    }

    /** The query of a dashboard variable: {@code live} true for the live dashboard, false for trends. */
    static String variableQuery(boolean live, String name) {
        for (JsonNode variable :
                (live ? dashboard() : trends()).get("templating").get("list")) {
            if (variable.get("name").asText().equals(name)) {
                return variable.get("query").asText();
            }
        }
        throw new AssertionError("no variable " + name);
    }

    private static Map<String, String> panelQueries(JsonNode dashboard) {
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.put(panel.get("title").asText(), target.get("rawSql").asText());
            }
        }
        return queries;
    }

    /**
     * An alert rule: its query, the range Grafana gives it, the threshold that decides whether an
     * instance fires, how long the condition must hold ({@code for}) and how often the group is
     * evaluated.
     */
    record AlertRule(
            String uid,
            String title,
            String sql,
            Duration range,
            String comparison,
            double threshold,
            Duration pendingFor,
            Duration interval) {
        boolean fires(double value) {
            return comparison.equals("gt") ? value > threshold : value < threshold;
        }
    }

    static List<AlertRule> alertRules() {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : yaml(ALERTS).get("groups")) {
            Duration interval = duration(group.get("interval").asText());
            for (JsonNode rule : group.get("rules")) {
                String sql = null;
                long rangeSeconds = 0;
                JsonNode evaluator = null;
                for (JsonNode step : rule.get("data")) {
                    JsonNode model = step.get("model");
                    if (model.has("rawSql")) {
                        sql = model.get("rawSql").asText();
                        rangeSeconds = step.get("relativeTimeRange").get("from").asLong();
                    }
                    if ("threshold".equals(model.path("type").asText())
                            && step.get("refId")
                                    .asText()
                                    .equals(rule.get("condition").asText())) {
                        evaluator = model.get("conditions").get(0).get("evaluator");
                    }
                }
                rules.add(new AlertRule(
                        rule.get("uid").asText(),
                        rule.get("title").asText(),
                        sql,
                        Duration.ofSeconds(rangeSeconds),
                        evaluator.get("type").asText(),
                        evaluator.get("params").get(0).asDouble(),
                        duration(rule.path("for").asText("0s")),
                        interval));
            }
        }
        return rules;
    }

    /** Grafana's durations as provisioning files write them: {@code 30s}, {@code 1m}, {@code 2h}. */
    static Duration duration(String text) {
        long amount = Long.parseLong(text.substring(0, text.length() - 1));
        return switch (text.charAt(text.length() - 1)) {
            case 's' -> Duration.ofSeconds(amount);
            case 'm' -> Duration.ofMinutes(amount);
            case 'h' -> Duration.ofHours(amount);
            default -> throw new IllegalArgumentException("not a Grafana duration: " + text);
        };
    }

    static AlertRule alertRule(String uid) {
        return alertRules().stream()
                .filter(r -> r.uid().equals(uid))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no alert rule " + uid));
    }
}
