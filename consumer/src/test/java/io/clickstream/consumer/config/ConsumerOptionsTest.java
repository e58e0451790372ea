package io.clickstream.consumer.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.clickhouse.SchemaLayout;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsumerOptionsTest {
    private static ConsumerOptions config(Map<String, String> env, String... args) throws ConfigException {
        return ConsumerOptions.from(Settings.parse(args, env, ConsumerSettings.ALL));
    }

    @Test
    void defaultsMatchTheDocumentedBehaviour() throws Exception {
        ConsumerOptions c = config(Map.of());
        assertEquals(1000, c.batchMaxRows());
        assertEquals(Duration.ofSeconds(5), c.batchMaxWait());
        assertEquals("clickstream", c.database());
        assertEquals("clickstream.events.dlq", c.deadLetterTopic());
        assertTrue(c.applySchema());
        assertEquals(SchemaLayout.SINGLE, c.schemaLayout());
        assertEquals("0", c.insertQuorum());
    }

    @Test
    void aReplicatedLayoutAndItsQuorum() throws Exception {
        ConsumerOptions c = config(Map.of("CLICKHOUSE_SCHEMA_LAYOUT", "replicated"), "--insert-quorum", "AUTO");
        assertEquals(SchemaLayout.REPLICATED, c.schemaLayout());
        assertEquals("auto", c.insertQuorum());
        assertEquals("2", config(Map.of("CLICKHOUSE_INSERT_QUORUM", "2")).insertQuorum());
        assertEquals(
                "invalid --insert-quorum / CLICKHOUSE_INSERT_QUORUM: '1' must be 0 (off), 2..9 or auto",
                assertThrows(ConfigException.class, () -> config(Map.of(), "--insert-quorum", "1"))
                        .getMessage());
        assertTrue(assertThrows(ConfigException.class, () -> config(Map.of(), "--schema-layout", "sharded"))
                .getMessage()
                .startsWith("invalid --schema-layout / CLICKHOUSE_SCHEMA_LAYOUT: 'sharded'"));
    }

    @Test
    void databaseComesFromTheUrlAndCanBeSwapped() throws Exception {
        ConsumerOptions c = config(Map.of("CLICKHOUSE_JDBC_URL", "jdbc:clickhouse://ch:8123/analytics?compress=false"));
        assertEquals("analytics", c.database());
        assertEquals("jdbc:clickhouse://ch:8123/default?compress=false", c.jdbcUrlOf("default"));
        assertEquals(
                "jdbc:clickhouse:http://ch:8123/default",
                config(Map.of(), "--clickhouse-url", "jdbc:clickhouse:http://ch:8123/analytics")
                        .jdbcUrlOf("default"));
    }

    @Test
    void badValuesNameTheSetting() {
        assertEquals(
                "invalid --clickhouse-url / CLICKHOUSE_JDBC_URL: 'http://ch:8123/db' is not a ClickHouse JDBC URL (jdbc:clickhouse://host:8123/database)",
                assertThrows(ConfigException.class, () -> config(Map.of(), "--clickhouse-url", "http://ch:8123/db"))
                        .getMessage());
        assertEquals(
                "invalid --clickhouse-url / CLICKHOUSE_JDBC_URL: 'jdbc:clickhouse://ch:8123' names no database (…:8123/clickstream)",
                assertThrows(
                                ConfigException.class,
                                () -> config(Map.of(), "--clickhouse-url", "jdbc:clickhouse://ch:8123"))
                        .getMessage());
        assertEquals(
                "invalid --dlq-topic / DLQ_TOPIC: 'clickstream.events' must differ from --topic: dead letters would be consumed again",
                assertThrows(ConfigException.class, () -> config(Map.of(), "--dlq-topic", "clickstream.events"))
                        .getMessage());
        assertEquals(
                "invalid --batch-max-rows / BATCH_MAX_ROWS: '0' must be between 1 and 1000000",
                assertThrows(ConfigException.class, () -> config(Map.of("BATCH_MAX_ROWS", "0")))
                        .getMessage());
    }

    @Test
    void passwordNeverPrinted() throws Exception {
        ConsumerOptions c = config(Map.of("CLICKHOUSE_PASSWORD", "s3cret"));
        assertEquals("s3cret", c.password());
        assertFalse(c.toString().contains("s3cret"));
    }
}
