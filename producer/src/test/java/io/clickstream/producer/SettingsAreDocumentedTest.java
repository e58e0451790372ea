package io.clickstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.producer.config.ProducerSettings;
import io.clickstream.testsupport.ConfigurationTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration reference (docs/configuration.md) stays true: every setting appears with its flag and variable. */
class SettingsAreDocumentedTest {
    @Test
    void everySettingIsInTheConfigurationReference() throws Exception {
        assertEquals(
                List.of(), ConfigurationTables.undocumented(ProducerSettings.ALL), "docs/configuration.md lacks these");
    }
}
