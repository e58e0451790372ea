package io.clickstream.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds files of this repository (SQL, provisioning, the local ClickHouse server) from tests. */
public final class RepositoryLayout {
    /** Set by the build (failsafe) to the repository root; otherwise found by walking up. */
    static final String ROOT_PROPERTY = "clickstream.repo.root";

    private static final String MARKER = "local/chdb_http_server.py";

    private RepositoryLayout() {}

    public static Path root() {
        String configured = System.getProperty(ROOT_PROPERTY);
        if (configured != null && Files.exists(Path.of(configured, MARKER))) {
            return Path.of(configured).toAbsolutePath();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(MARKER))) {
                return dir;
            }
        }
        throw new IllegalStateException("cannot find the repository root (a directory containing " + MARKER + ") above "
                + Path.of("").toAbsolutePath() + "; set -D" + ROOT_PROPERTY + "=<path>");
    }

    public static Path resolve(String relative) {
        return root().resolve(relative);
    }
}
