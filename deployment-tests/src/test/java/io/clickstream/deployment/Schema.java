package io.clickstream.deployment;

import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** Applies the repository's clickhouse/ SQL files (the very files docker compose mounts) to a test database. */
final class Schema {
    static final Map<String, String> VARIABLES = Map.of(
            "RAW_RETENTION_DAYS",
            "30",
            "ROLLUP_RETENTION_DAYS",
            "36500",
            "CLICKHOUSE_INGEST_PASSWORD",
            "ingest-test-password",
            "CLICKHOUSE_READER_PASSWORD",
            "reader-test-password");

    private Schema() {}

    /** Creates {@code database} with the events table and the rollups; returns the database. */
    static String apply(ClickHouseService clickHouse, String database) {
        return apply(clickHouse, database, sql -> true);
    }

    /** The same, only the statements {@code wanted} accepts. */
    static String apply(ClickHouseService clickHouse, String database, Predicate<String> wanted) {
        for (Path file : files("clickhouse/init")) {
            try {
                for (String sql : SchemaInstaller.statements(
                        file.getFileName().toString(), Files.readString(file), database, VARIABLES)) {
                    if (wanted.test(sql.strip())) {
                        clickHouse.execute(sql);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return database;
    }

    static List<Path> files(String directory) {
        try (Stream<Path> files = Files.list(RepositoryLayout.resolve(directory))) {
            return files.filter(f -> f.toString().endsWith(".sql")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
