package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.collector.config.CollectorSettings;
import io.clickstream.testsupport.ConfigurationTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The configuration reference (docs/configuration.md) stays true for the collector: every setting appears with its flag and variable. */
class SettingsAreDocumentedTest {
    @Test
    void everySettingIsInTheConfigurationReference() throws Exception {
        assertEquals(
                List.of(),
                ConfigurationTables.undocumented(CollectorSettings.ALL),
                "docs/configuration.md lacks these");
    }
}
