package io.clickstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.producer.config.ProducerSettings;
import io.clickstream.testsupport.ReadmeTables;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's configuration table stays true: every setting appears with its flag and variable. */
class ReadmeDocumentsSettingsTest {
    @Test
    void everySettingIsInTheReadmeTable() throws Exception {
        assertEquals(
                List.of(), ReadmeTables.undocumented(ProducerSettings.ALL), "README configuration table lacks these");
    }
}
