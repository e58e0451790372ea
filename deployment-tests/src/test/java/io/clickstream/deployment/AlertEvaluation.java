package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Evaluates a provisioned alert rule as Grafana does: the query with the data source's macros
 * expanded for the rule's relative range ending at the evaluation time; a table result becomes
 * one instance per row, labelled by its string columns, valued by its one numeric column
 * (Grafana refuses anything else); the threshold per instance; and the {@code for} clause over
 * evaluations every group interval (pending when the condition first holds, firing once it has
 * held for {@code for}, normal again as soon as it does not).
 */
final class AlertEvaluation {
    /** The label set of a rule that returns one number. */
    static final String SINGLE = "";

    private AlertEvaluation() {}

    /** Each instance's value at {@code at}: label set ("segment=browser=Safari", or {@link #SINGLE}) → number. */
    static Map<String, Double> values(ClickHouseService ch, String database, Provisioning.AlertRule rule, Instant at) {
        String sql = GrafanaMacros.expand(rule.sql(), at.minus(rule.range()), at, 60)
                .replace("clickstream.", database + ".");
        Map<String, Double> values = new TreeMap<>();
        for (Map<String, String> row : ch.queryRows(sql)) {
            Double value = null;
            List<String> labels = new ArrayList<>();
            for (Map.Entry<String, String> column : row.entrySet()) {
                Double number = number(column.getValue());
                if (number != null) {
                    assertTrue(value == null, rule.title() + ": Grafana takes one numeric column, got " + row);
                    value = number;
                } else {
                    labels.add(column.getKey() + "=" + column.getValue());
                }
            }
            assertTrue(value != null, rule.title() + ": no numeric column in " + row);
            String key = String.join(",", labels);
            assertTrue(values.put(key, value) == null, rule.title() + ": label sets must be unique: " + key);
        }
        return values;
    }

    /** Whether the rule's single instance meets its threshold at {@code at} (no {@code for}). */
    static boolean conditionHolds(ClickHouseService ch, String database, Provisioning.AlertRule rule, Instant at) {
        Map<String, Double> values = values(ch, database, rule, at);
        assertEquals(1, values.size(), rule.title() + " returns one number: " + values);
        return rule.fires(values.get(SINGLE));
    }

    /**
     * The evaluations from {@code from} to {@code to} (every group interval): for each label
     * set, the evaluation times at which Grafana would have it firing.
     */
    static Map<String, List<Instant>> firing(
            ClickHouseService ch, String database, Provisioning.AlertRule rule, Instant from, Instant to) {
        Map<String, Instant> pendingSince = new HashMap<>();
        Map<String, List<Instant>> firing = new TreeMap<>();
        for (Instant at = from; !at.isAfter(to); at = at.plus(rule.interval())) {
            Map<String, Double> values = values(ch, database, rule, at);
            for (String labels : new ArrayList<>(pendingSince.keySet())) {
                if (!values.containsKey(labels) || !rule.fires(values.get(labels))) {
                    pendingSince.remove(labels); // normal again
                }
            }
            for (Map.Entry<String, Double> instance : values.entrySet()) {
                if (rule.fires(instance.getValue())) {
                    Instant now = at;
                    Instant since = pendingSince.computeIfAbsent(instance.getKey(), k -> now);
                    if (Duration.between(since, now).compareTo(rule.pendingFor()) >= 0) {
                        firing.computeIfAbsent(instance.getKey(), k -> new ArrayList<>())
                                .add(now);
                    }
                }
            }
        }
        return firing;
    }

    private static Double number(String text) {
        try {
            return Double.parseDouble(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
