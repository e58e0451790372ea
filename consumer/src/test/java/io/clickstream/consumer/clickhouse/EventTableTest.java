package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.testsupport.RepositoryLayout;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The one declaration of written columns matches the table that deployment creates: names and
 * types exactly as {@code clickhouse/init/002_events.sql} declares them (codecs and defaults
 * aside). {@code SchemaCheckIT} then checks the same declaration against the table ClickHouse
 * actually created from that file.
 */
class EventTableTest {
    private static final Pattern COLUMN =
            Pattern.compile("^\\s{4}(\\w+)\\s+(.+?)(?:\\s+(?:CODEC|DEFAULT|MATERIALIZED|ALIAS)\\b.*?)?,?\\s*$");

    @Test
    void writtenColumnsAreDeclaredWithTheSameTypesInTheSchemaFile() throws Exception {
        String sql = Files.readString(RepositoryLayout.resolve("clickhouse/init/002_events.sql"));
        String body = sql.substring(sql.indexOf("CREATE TABLE"));
        body = body.substring(body.indexOf('(') + 1, body.indexOf("\n)"));
        Map<String, String> declared = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            Matcher m = COLUMN.matcher(line);
            if (m.matches() && !m.group(1).equals("INDEX")) {
                declared.put(m.group(1), m.group(2).trim());
            }
        }
        Map<String, String> written = new LinkedHashMap<>();
        for (Column column : EventTable.WRITTEN) {
            written.put(column.name(), declared.get(column.name()));
        }
        Map<String, String> expected = new LinkedHashMap<>();
        EventTable.WRITTEN.forEach(c -> expected.put(c.name(), c.type()));
        assertEquals(expected, written);
    }
}
