package io.clickstream.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A real ClickHouse for integration tests; one per test JVM, shared by all tests, which
 * isolate themselves with {@link #createDatabase(String)}.
 *
 * <p>Administrative SQL ({@link #execute}, {@link #query}) goes over plain HTTP, independent
 * of the JDBC driver the code under test uses.
 */
public final class ClickHouseService {
    /** Stops and restarts the server, for outage tests. */
    interface Outage {
        void stop();

        void start();

        /** SIGKILL to the server, then starts it again on the same port with its data. */
        void crash();
    }

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final URI httpEndpoint;
    private final String user;
    private final String password;
    private final String jdbcParameters;
    private final ServiceSource source;
    private final Outage outage;

    ClickHouseService(
            URI httpEndpoint,
            String user,
            String password,
            String jdbcParameters,
            ServiceSource source,
            Outage outage) {
        this.httpEndpoint = httpEndpoint;
        this.user = user;
        this.password = password;
        this.jdbcParameters = jdbcParameters;
        this.source = source;
        this.outage = outage;
    }

    /** An existing ClickHouse at {@code httpEndpoint} (e.g. for a benchmark run by hand). */
    public static ClickHouseService connect(URI httpEndpoint, String user, String password, String jdbcParameters) {
        return new ClickHouseService(httpEndpoint, user, password, jdbcParameters, ServiceSource.ENVIRONMENT, null);
    }

    /**
     * The host:port at which this ClickHouse server reaches {@code port} of this machine, where a
     * test started a server for it to call (an S3-compatible store for an export): 127.0.0.1 for
     * the local engine; through Testcontainers' host access for a container; for a server named
     * by the environment, the host in {@code CLICKSTREAM_IT_HOST_FROM_CLICKHOUSE} (fails if unset).
     */
    public String reachHost(int port) {
        return switch (source) {
            case LOCAL -> "127.0.0.1:" + port;
            case TESTCONTAINERS -> {
                org.testcontainers.Testcontainers.exposeHostPorts(port);
                yield "host.testcontainers.internal:" + port;
            }
            case ENVIRONMENT -> {
                String host = System.getenv("CLICKSTREAM_IT_HOST_FROM_CLICKHOUSE");
                if (host == null || host.isBlank()) {
                    throw new AssertionError("this test runs a server ClickHouse must reach: set"
                            + " CLICKSTREAM_IT_HOST_FROM_CLICKHOUSE to this machine's address as the ClickHouse at "
                            + httpEndpoint + " sees it");
                }
                yield host + ":" + port;
            }
        };
    }

    public ServiceSource source() {
        return source;
    }

    /** E.g. {@code http://127.0.0.1:8123}. */
    public URI httpEndpoint() {
        return httpEndpoint;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** The clickhouse-jdbc URL of {@code database}, with the parameters this server needs. */
    public String jdbcUrl(String database) {
        String url = "jdbc:clickhouse:" + httpEndpoint.getScheme() + "://" + httpEndpoint.getHost() + ":"
                + httpEndpoint.getPort() + "/" + database;
        return jdbcParameters.isEmpty() ? url : url + "?" + jdbcParameters;
    }

    /** The same server, as another user (e.g. to check what a least-privilege user may do). */
    public ClickHouseService as(String otherUser, String otherPassword) {
        return new ClickHouseService(httpEndpoint, otherUser, otherPassword, jdbcParameters, source, outage);
    }

    /** Creates an empty database with a unique name ({@code prefix_<random>}) and returns the name. */
    public String createDatabase(String prefix) {
        String database =
                prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        execute("CREATE DATABASE " + database);
        return database;
    }

    /** Runs one statement; fails with ClickHouse's own error text. */
    public void execute(String sql) {
        query(sql);
    }

    /** Runs one statement and returns its TabSeparated output, trimmed. */
    public String query(String sql) {
        return send(sql, "TabSeparated").trim();
    }

    /** Runs a query and returns its rows as column name → value (TabSeparated text, \N for NULL). */
    public List<Map<String, String>> queryRows(String sql) {
        String[] lines = send(sql, "TabSeparatedWithNames").split("\n");
        String[] names = lines[0].split("\t", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                continue;
            }
            String[] values = lines[i].split("\t", -1);
            Map<String, String> row = new LinkedHashMap<>();
            for (int c = 0; c < names.length; c++) {
                row.put(names[c], values[c]);
            }
            rows.add(row);
        }
        return rows;
    }

    private String send(String sql, String format) {
        HttpRequest request = HttpRequest.newBuilder(httpEndpoint.resolve("/"))
                .timeout(Duration.ofSeconds(120))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)))
                .header("X-ClickHouse-Format", format)
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException(
                        "ClickHouse rejected [" + sql + "]: " + response.body().trim());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("ClickHouse at " + httpEndpoint + " unreachable for [" + sql + "]", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** A single number from a query such as {@code SELECT count() FROM t}. */
    public long queryLong(String sql) {
        return Long.parseLong(query(sql));
    }

    /** Makes the server unavailable (connections refused or hanging) until {@link #start()}. */
    public void stop() {
        requireOutage().stop();
    }

    /** Brings the server back after {@link #stop()}, with its data. */
    public void start() {
        requireOutage().start();
    }

    /** Kills the server (SIGKILL: no flush, no goodbye) and starts it again with its data. */
    public void crash() {
        requireOutage().crash();
    }

    private Outage requireOutage() {
        if (outage == null) {
            throw new UnsupportedOperationException("a ClickHouse from " + source
                    + " cannot be stopped by tests; outage tests need the local or Testcontainers ClickHouse");
        }
        return outage;
    }

    @Override
    public String toString() {
        return "ClickHouse at " + httpEndpoint + " (" + source + ")";
    }
}
