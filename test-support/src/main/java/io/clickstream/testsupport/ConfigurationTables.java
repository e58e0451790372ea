package io.clickstream.testsupport;

import io.clickstream.service.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** Keeps the configuration reference (docs/configuration.md) true: which settings lack their table row. */
public final class ConfigurationTables {
    private ConfigurationTables() {}

    /** Settings without a row starting {@code | `--flag` | `VARIABLE` |} in docs/configuration.md. */
    public static List<String> undocumented(List<Setting> settings) throws IOException {
        String reference = Files.readString(RepositoryLayout.resolve("docs/configuration.md"));
        return settings.stream()
                .filter(s -> !reference.contains("| `" + s.flag() + "` | `" + s.variable() + "` |"))
                .map(Setting::names)
                .toList();
    }
}
