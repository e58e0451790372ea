package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.consumer.replay.ReplaySettings;
import io.clickstream.testsupport.ReadmeTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration table stays true: every setting appears with its flag and variable. */
class ReadmeDocumentsSettingsTest {
    @Test
    void everySettingIsInTheReadmeTable() throws Exception {
        assertEquals(
                List.of(), ReadmeTables.undocumented(ConsumerSettings.ALL), "README configuration table lacks these");
    }

    @Test
    void everyReplaySettingIsInTheReadme() throws Exception {
        assertEquals(List.of(), ReadmeTables.undocumented(ReplaySettings.ALL), "README replay table lacks these");
    }
}
