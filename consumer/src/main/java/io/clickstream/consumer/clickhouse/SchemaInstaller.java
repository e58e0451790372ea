package io.clickstream.consumer.clickhouse;

import io.clickstream.model.Names;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the repository's {@code clickhouse/init/*.sql} files (bundled in the jar under
 * {@value #RESOURCE_DIR}) in file-name order. The files are idempotent and name the database
 * {@code clickstream}; another target database (tests use one per test) is substituted.
 */
public final class SchemaInstaller {
    static final String RESOURCE_DIR = "clickhouse-schema";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("\\b" + Names.DATABASE + "\\b");
    private static final Pattern SAFE_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private SchemaInstaller() {
    }

    /** Statements of every bundled schema file, in order, for {@code database}. */
    public static List<String> statements(String database) {
        if (!SAFE_IDENTIFIER.matcher(database).matches()) {
            throw new IllegalArgumentException("database name must be a plain identifier: '" + database + "'");
        }
        List<String> statements = new ArrayList<>();
        for (Map.Entry<String, String> file : bundledFiles()) {
            for (String sql : SqlScript.statements(file.getValue())) {
                statements.add(DATABASE_NAME.matcher(sql).replaceAll(Matcher.quoteReplacement(database)));
            }
        }
        return statements;
    }

    /** Creates whatever is missing. */
    public static void install(DataSource dataSource, String database) throws SQLException {
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements(database)) {
                statement.execute(sql);
            }
        }
        LOG.info("schema applied to database {}", database);
    }

    private static List<Map.Entry<String, String>> bundledFiles() {
        URL url = SchemaInstaller.class.getClassLoader().getResource(RESOURCE_DIR);
        if (url == null) {
            throw new IllegalStateException(RESOURCE_DIR + " is missing from the classpath: the build bundles clickhouse/init");
        }
        try {
            URI uri = url.toURI();
            if ("jar".equals(uri.getScheme())) {
                try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
                    return read(jar.provider().getPath(uri));
                }
            }
            return read(Path.of(uri));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the bundled schema files", e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Map.Entry<String, String>> read(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> sorted = files.filter(p -> p.getFileName().toString().endsWith(".sql")).sorted().toList();
            List<Map.Entry<String, String>> contents = new ArrayList<>();
            for (Path file : sorted) {
                contents.add(Map.entry(file.getFileName().toString(), Files.readString(file, StandardCharsets.UTF_8)));
            }
            if (contents.isEmpty()) {
                throw new IllegalStateException("no .sql files in " + dir);
            }
            return contents;
        }
    }
}
