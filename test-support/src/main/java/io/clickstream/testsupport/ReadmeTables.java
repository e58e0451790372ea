package io.clickstream.testsupport;

import io.clickstream.service.Setting;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;

/** Keeps the README's configuration tables true: which settings lack their table row. */
public final class ReadmeTables {
    private ReadmeTables() {}

    /** Settings without a row starting {@code | `--flag` | `VARIABLE` |} in README.md. */
    public static List<String> undocumented(List<Setting> settings) throws IOException {
        String readme = Files.readString(RepositoryLayout.resolve("README.md"));
        return settings.stream()
                .filter(s -> !readme.contains("| `" + s.flag() + "` | `" + s.variable() + "` |"))
                .map(Setting::names)
                .toList();
    }
}
