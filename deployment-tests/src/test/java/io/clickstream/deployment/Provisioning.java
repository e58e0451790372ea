package io.clickstream.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The committed Grafana files, parsed: what deployment mounts is what the tests read. */
final class Provisioning {
    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Path DASHBOARD = RepositoryLayout.resolve("grafana/dashboards/clickstream-live.json");
    static final Path DATASOURCE = RepositoryLayout.resolve("grafana/provisioning/datasources/clickhouse.yaml");
    static final Path DASHBOARD_PROVIDER = RepositoryLayout.resolve("grafana/provisioning/dashboards/clickstream.yaml");
    static final Path ALERTS = RepositoryLayout.resolve("grafana/provisioning/alerting/clickstream-alerts.yaml");

    private Provisioning() {}

    static JsonNode dashboard() {
        return read(JSON, DASHBOARD);
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
        Map<String, String> queries = new LinkedHashMap<>();
        for (JsonNode panel : dashboard().get("panels")) {
            for (JsonNode target : panel.get("targets")) {
                queries.put(panel.get("title").asText(), target.get("rawSql").asText());
            }
        }
        return queries;
    }

    /** An alert rule: its query and the threshold that decides whether it fires. */
    record AlertRule(String uid, String title, String sql, String comparison, double threshold) {
        boolean fires(double value) {
            return comparison.equals("gt") ? value > threshold : value < threshold;
        }
    }

    static List<AlertRule> alertRules() {
        List<AlertRule> rules = new ArrayList<>();
        for (JsonNode group : yaml(ALERTS).get("groups")) {
            for (JsonNode rule : group.get("rules")) {
                String sql = null;
                JsonNode evaluator = null;
                for (JsonNode step : rule.get("data")) {
                    JsonNode model = step.get("model");
                    if (model.has("rawSql")) {
                        sql = model.get("rawSql").asText();
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
                        evaluator.get("type").asText(),
                        evaluator.get("params").get(0).asDouble()));
            }
        }
        return rules;
    }
}
