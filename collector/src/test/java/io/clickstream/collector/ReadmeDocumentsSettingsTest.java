package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.collector.config.CollectorSettings;
import io.clickstream.testsupport.ReadmeTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's collector table stays true: every setting appears with its flag and variable. */
class ReadmeDocumentsSettingsTest {
    @Test
    void everySettingIsInTheReadmeTable() throws Exception {
        assertEquals(
                List.of(), ReadmeTables.undocumented(CollectorSettings.ALL), "README configuration table lacks these");
    }
}
