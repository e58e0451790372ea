package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.clickhouse.client.api.insert.InsertSettings;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ReplicationTest {
    // the client sends server settings under this prefix (client-v2's InsertSettings)
    @Test
    void aQuorumIsAskedForWithAWaitJustUnderTheClientsTimeout() {
        InsertSettings insert = new Replication(true, "auto", Duration.ofSeconds(30)).applyTo(new InsertSettings());
        assertEquals("auto", insert.getAllSettings().get("clickhouse_setting_insert_quorum"));
        assertEquals("29000", insert.getAllSettings().get("clickhouse_setting_insert_quorum_timeout"));
    }

    @Test
    void withoutAQuorumTheInsertIsAsOnOneServer() {
        InsertSettings insert = new Replication(true, "0", Duration.ofSeconds(30)).applyTo(new InsertSettings());
        assertTrue(insert.getAllSettings().keySet().stream().noneMatch(k -> k.contains("insert_quorum")));
    }

    @Test
    void aQuorumOnOneServerIsAConfigurationError() {
        assertThrows(IllegalArgumentException.class, () -> new Replication(false, "2", Duration.ofSeconds(30)));
    }
}
