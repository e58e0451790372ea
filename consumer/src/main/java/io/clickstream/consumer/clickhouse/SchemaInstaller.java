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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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
 * {@code clickstream}; another target database (tests use one per test) is substituted, and
 * so are {@code {{NAME}}} placeholders such as {@code {{RAW_RETENTION_DAYS}}} (docker compose's
 * init script substitutes the same ones from the environment).
 */
public final class SchemaInstaller {
    static final String RESOURCE_DIR = "clickhouse-schema";
    private static final Logger LOG = LoggerFactory.getLogger(SchemaInstaller.class);
    private static final Pattern DATABASE_NAME = Pattern.compile("\\b" + Names.DATABASE + "\\b");
    private static final Pattern SAFE_IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{([A-Z0-9_]+)}}");
    private static final Pattern MODIFY_QUERY =
            Pattern.compile("(?s)\\s*ALTER TABLE (\\w+)\\.(\\w+) MODIFY QUERY\\s+(.*?);?\\s*");

    private SchemaInstaller() {}

    /** Statements of every bundled schema file, in order, for {@code database} on one server. */
    public static List<String> statements(String database, Map<String, String> variables) {
        return statements(database, variables, SchemaLayout.SINGLE);
    }

    /** Statements of every bundled schema file, in order, for {@code database} in {@code layout}. */
    public static List<String> statements(String database, Map<String, String> variables, SchemaLayout layout) {
        List<String> statements = new ArrayList<>();
        for (Map.Entry<String, String> file : bundledFiles()) {
            for (String sql : statements(file.getKey(), file.getValue(), database, variables)) {
                statements.add(layout.apply(sql));
            }
        }
        return statements;
    }

    /**
     * The statements of one SQL file for {@code database}, placeholders substituted.
     *
     * @throws IllegalArgumentException naming the file and a placeholder without a value
     */
    public static List<String> statements(
            String fileName, String script, String database, Map<String, String> variables) {
        if (!SAFE_IDENTIFIER.matcher(database).matches()) {
            throw new IllegalArgumentException("database name must be a plain identifier: '" + database + "'");
        }
        List<String> statements = new ArrayList<>();
        for (String sql : SqlScript.statements(script)) {
            String named = DATABASE_NAME.matcher(sql).replaceAll(Matcher.quoteReplacement(database));
            Matcher placeholder = PLACEHOLDER.matcher(named);
            StringBuilder substituted = new StringBuilder();
            while (placeholder.find()) {
                String value = variables.get(placeholder.group(1));
                if (value == null) {
                    throw new IllegalArgumentException(fileName + ": no value for {{" + placeholder.group(1) + "}}");
                }
                placeholder.appendReplacement(substituted, Matcher.quoteReplacement(value));
            }
            placeholder.appendTail(substituted);
            statements.add(substituted.toString());
        }
        return statements;
    }

    /**
     * Creates whatever is missing on one server. The connection must not depend on {@code database}
     * existing (connect to {@code default}): the first statement creates it.
     */
    public static void install(Connection connection, String database, Map<String, String> variables)
            throws SQLException {
        install(connection, database, variables, SchemaLayout.SINGLE);
    }

    /**
     * Creates whatever is missing, in {@code layout}, on the server {@code connection} talks to: in the
     * replicated layout, run it on every replica (each joins the same Keeper path).
     */
    public static void install(
            Connection connection, String database, Map<String, String> variables, SchemaLayout layout)
            throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements(database, variables, layout)) {
                Matcher view = MODIFY_QUERY.matcher(sql);
                if (view.matches() && runsAlready(statement, view.group(1), view.group(2), view.group(3))) {
                    continue;
                }
                statement.execute(sql);
            }
        }
        LOG.info(
                "schema applied to database {} ({} layout)",
                database,
                layout.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Whether a view already runs {@code query} (as ClickHouse formats it). A view's query is
     * changed only when it differs, at an upgrade: ClickHouse does not recognise a view's block
     * for a re-sent insert across a change of its query (measured: ExactlyOnceIT counted a
     * re-sent block twice in the rollups when every consumer start re-applied the queries).
     */
    private static boolean runsAlready(Statement statement, String database, String view, String query)
            throws SQLException {
        try (ResultSet same = statement.executeQuery(
                "SELECT count() FROM system.tables WHERE database = '" + database + "' AND name = '" + view
                        + "' AND as_select = formatQuerySingleLine(" + SqlScript.literal(query) + ")")) {
            return same.next() && same.getLong(1) == 1;
        }
    }

    /**
     * Checks that {@code database.events} and {@code database.dead_letters} exist with columns
     * the consumer can write.
     *
     * @return the layout {@code events} is in: {@link SchemaLayout#REPLICATED} if its engine is a Replicated* one
     * @throws IncompatibleSchemaException listing every missing or mistyped column
     */
    public static SchemaLayout check(DataSource dataSource, String database)
            throws SQLException, IncompatibleSchemaException {
        checkTable(dataSource, database, Names.EVENTS_TABLE, EventTable.WRITTEN, "004_exactly_once.sql");
        checkTable(
                dataSource,
                database,
                ClickHouseDeadLetterTable.TABLE,
                ClickHouseDeadLetterTable.WRITTEN,
                "005_dead_letters.sql");
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet engine = statement.executeQuery("SELECT engine FROM system.tables WHERE database = '"
                        + database + "' AND name = '" + Names.EVENTS_TABLE + "'")) {
            if (!engine.next()) {
                throw new IncompatibleSchemaException("table " + database + "." + Names.EVENTS_TABLE
                        + " is not in system.tables for this user (010_users.sql grants it)");
            }
            return engine.getString(1).startsWith("Replicated") ? SchemaLayout.REPLICATED : SchemaLayout.SINGLE;
        }
    }

    private static void checkTable(
            DataSource dataSource, String database, String table, List<Column> written, String file)
            throws SQLException, IncompatibleSchemaException {
        Map<String, String> columns = new HashMap<>();
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT name, type FROM system.columns WHERE database = '"
                        + database + "' AND table = '" + table + "'")) {
            while (rows.next()) {
                columns.put(rows.getString(1), rows.getString(2));
            }
        }
        if (columns.isEmpty()) {
            throw new IncompatibleSchemaException("table " + database + "." + table
                    + " does not exist: start with --schema apply, or apply clickhouse/init/" + file);
        }
        // Exact types: every insert names them in its header, and ClickHouse refuses any other.
        List<String> problems = new ArrayList<>();
        for (Column required : written) {
            String type = columns.get(required.name());
            if (type == null) {
                problems.add("missing column " + required.name() + " " + required.type());
            } else if (!type.equals(required.type())) {
                problems.add("column " + required.name() + " has type " + type + ", expected " + required.type());
            }
        }
        if (!problems.isEmpty()) {
            throw new IncompatibleSchemaException("table " + database + "." + table
                    + " is incompatible with this consumer: " + String.join("; ", problems)
                    + " (--schema apply adds missing columns: clickhouse/init/" + file + ")");
        }
    }

    /** The events table exists but cannot take what the consumer writes. */
    public static final class IncompatibleSchemaException extends Exception {
        private static final long serialVersionUID = 1L;

        IncompatibleSchemaException(String message) {
            super(message);
        }
    }

    private static List<Map.Entry<String, String>> bundledFiles() {
        URL url = SchemaInstaller.class.getClassLoader().getResource(RESOURCE_DIR);
        if (url == null) {
            throw new IllegalStateException(
                    RESOURCE_DIR + " is missing from the classpath: the build bundles clickhouse/init");
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
            List<Path> sorted = files.filter(p -> p.getFileName().toString().endsWith(".sql"))
                    .sorted()
                    .toList();
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
