package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every provisioned {@code jsonData} value has a type the pinned Grafana ClickHouse plugin's
 * settings parser accepts. Grafana hands the plugin the provisioned YAML as JSON, and the plugin
 * reads each field with a Go type assertion: where that assertion is unchecked, a value of
 * another type is a panic that breaks every panel and alert of the data source (a numeric
 * {@code dialTimeout} did exactly that on 4.11.x).
 *
 * <p>The table below is {@code LoadSettings} in {@code pkg/plugin/settings.go} of
 * grafana/clickhouse-datasource at tag {@value #PLUGIN_VERSION}: "string" where the plugin does
 * {@code jsonData[k].(string)} unchecked, "string|bool" / "string|number" where it checks for a
 * string first and parses it, then asserts the other type. Pinning another plugin version means
 * re-reading that file and updating this table; {@link #composePinsThePluginThisTableDescribes}
 * makes that impossible to forget.
 */
class DataSourceSettingsTypesTest {
    static final String PLUGIN_VERSION = "4.14.1";

    private static final Map<String, Set<JsonType>> PARSER_ACCEPTS = Map.ofEntries(
            Map.entry("host", Set.of(JsonType.STRING)), // jsonData["host"].(string)
            Map.entry("port", Set.of(JsonType.INTEGER_STRING, JsonType.NUMBER)), // ParseInt(string) else .(float64)
            Map.entry("protocol", Set.of(JsonType.STRING)), // jsonData["protocol"].(string)
            Map.entry("secure", Set.of(JsonType.BOOLEAN_STRING, JsonType.BOOLEAN)), // ParseBool(string) else .(bool)
            Map.entry("path", Set.of(JsonType.STRING)),
            Map.entry("username", Set.of(JsonType.STRING)),
            Map.entry("defaultDatabase", Set.of(JsonType.STRING)),
            // string, or float64 formatted with %d since 4.14 (#1559); only a string also works on 4.11-4.13
            Map.entry("dialTimeout", Set.of(JsonType.INTEGER_STRING)),
            Map.entry("queryTimeout", Set.of(JsonType.INTEGER_STRING)));

    enum JsonType {
        STRING,
        INTEGER_STRING,
        BOOLEAN_STRING,
        NUMBER,
        BOOLEAN
    }

    @Test
    void everyProvisionedFieldHasATypeThePluginParses() {
        JsonNode jsonData = Provisioning.yaml(Provisioning.DATASOURCE)
                .get("datasources")
                .get(0)
                .get("jsonData");
        assertTrue(jsonData.size() > 0);
        for (Iterator<Map.Entry<String, JsonNode>> fields = jsonData.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            Set<JsonType> accepted = PARSER_ACCEPTS.get(field.getKey());
            if (accepted == null) {
                fail("jsonData." + field.getKey() + " is not in the table of what plugin " + PLUGIN_VERSION
                        + " parses: read pkg/plugin/settings.go and add it");
            }
            assertTrue(
                    accepted.stream().anyMatch(type -> matches(type, field.getValue())),
                    "jsonData." + field.getKey() + " = " + field.getValue() + " ("
                            + field.getValue().getNodeType() + "): plugin " + PLUGIN_VERSION + " accepts only "
                            + accepted);
        }
    }

    @Test
    void aNumericTimeoutIsRejectedByThisCheck() {
        // The value that broke the demo must fail the check above, or the check proves nothing.
        JsonNode numeric =
                Provisioning.YAML.valueToTree(Map.of("dialTimeout", 10)).get("dialTimeout");
        assertTrue(PARSER_ACCEPTS.get("dialTimeout").stream().noneMatch(type -> matches(type, numeric)));
        JsonNode text =
                Provisioning.YAML.valueToTree(Map.of("dialTimeout", "10")).get("dialTimeout");
        assertTrue(PARSER_ACCEPTS.get("dialTimeout").stream().anyMatch(type -> matches(type, text)));
    }

    @Test
    void composePinsThePluginThisTableDescribes() {
        assertEquals(
                "grafana-clickhouse-datasource@" + PLUGIN_VERSION,
                ComposeFileTest.env("grafana", "GF_PLUGINS_PREINSTALL_SYNC"));
    }

    private static boolean matches(JsonType type, JsonNode value) {
        return switch (type) {
            case STRING -> value.isTextual();
            case INTEGER_STRING -> value.isTextual() && value.asText().matches("\\d+");
            case BOOLEAN_STRING -> value.isTextual() && value.asText().matches("true|false");
            case NUMBER -> value.isNumber();
            case BOOLEAN -> value.isBoolean();
        };
    }
}
