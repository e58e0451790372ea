package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.service.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table stays true: every setting appears with its flag and variable. */
class ReadmeDocumentsSettingsTest {
    @Test
    void everyConsumerSettingIsInTheReadmeTable() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        for (Setting s : ConsumerSettings.ALL) {
            assertTrue(readme.contains("| `" + s.flag() + "` | `" + s.variable() + "` |"),
                    "README configuration table lacks " + s.names());
        }
    }
}
