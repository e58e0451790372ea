package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.consumer.erasure.EraseSettings;
import io.clickstream.consumer.replay.ReplaySettings;
import io.clickstream.testsupport.ConfigurationTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration reference (docs/configuration.md) stays true: every setting appears with its flag and variable. */
class SettingsAreDocumentedTest {
    @Test
    void everySettingIsInTheConfigurationReference() throws Exception {
        assertEquals(
                List.of(), ConfigurationTables.undocumented(ConsumerSettings.ALL), "docs/configuration.md lacks these");
    }

    @Test
    void everyReplaySettingIsInTheConfigurationReference() throws Exception {
        assertEquals(
                List.of(),
                ConfigurationTables.undocumented(ReplaySettings.ALL),
                "docs/configuration.md (replay-dead-letters) lacks these");
    }

    @Test
    void everyEraseSettingIsInTheConfigurationReference() throws Exception {
        assertEquals(
                List.of(),
                ConfigurationTables.undocumented(EraseSettings.ALL),
                "docs/configuration.md (erase-customer) lacks these");
    }
}
