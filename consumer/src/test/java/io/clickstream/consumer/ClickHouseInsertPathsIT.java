package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.RealServices;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Base64;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the consumer relies on from ClickHouse's HTTP interface, on every insert path, against
 * whichever ClickHouse the tests run on (a server, or the local chDB front): a refused insert is
 * an error with ClickHouse's code and stores nothing; per-request settings apply
 * (insert_deduplication_token, max_execution_time, throw_on_max_partitions_per_insert_block).
 */
@ExtendWith(RealServices.class)
class ClickHouseInsertPathsIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** 150 rows on 150 different days: over ClickHouse's default limit of 100 partitions per insert block. */
    private static final String ROWS_OVER_150_DAYS = IntStream.range(0, 150)
                    .mapToObj(i -> i + "\t" + LocalDate.of(2026, 1, 1).plusDays(i))
                    .collect(Collectors.joining("\n"))
            + "\n";

    private ClickHouseService ch;
    private String table;

    private record Answer(int status, String exceptionCode, String body) {}

    @BeforeEach
    void createTable(ClickHouseService clickHouse) {
        ch = clickHouse;
        String database = ch.createDatabase("paths");
        table = database + ".t";
        ch.execute("CREATE TABLE " + table + " (id UInt64, day Date) ENGINE = MergeTree PARTITION BY day ORDER BY id"
                + " SETTINGS non_replicated_deduplication_window = 100");
    }

    private Answer post(String urlParameters, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(ch.httpEndpoint().resolve("/?" + urlParameters))
                .timeout(Duration.ofSeconds(60))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString(
                                                (ch.user() + ":" + ch.password()).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("X-ClickHouse-Exception-Code").orElse(null),
                response.body());
    }

    private static String query(String sql) {
        return "query=" + URLEncoder.encode(sql, StandardCharsets.UTF_8);
    }

    private void assertRefusedWith(int code, Answer answer) {
        assertTrue(answer.status() >= 400, "an error status, was " + answer.status() + ": " + answer.body());
        assertEquals(Integer.toString(code), answer.exceptionCode(), answer.body());
        assertTrue(answer.body().startsWith("Code: " + code + "."), answer.body());
        assertEquals(0, ch.queryLong("SELECT count() FROM " + table), "nothing stored");
    }

    @Test
    void insertWithDataInTheBodyAndTheStatementInTheUrlReportsRejection() throws Exception {
        assertRefusedWith(252, post(query("INSERT INTO " + table + " FORMAT TabSeparated"), ROWS_OVER_150_DAYS));
    }

    @Test
    void insertWithStatementAndDataInTheBodyReportsRejection() throws Exception {
        assertRefusedWith(252, post("", "INSERT INTO " + table + " FORMAT TabSeparated\n" + ROWS_OVER_150_DAYS));
    }

    @Test
    void insertAsSqlValuesReportsRejection() throws Exception {
        String values = IntStream.range(0, 150)
                .mapToObj(i -> "(" + i + ", toDate('2026-01-01') + " + i + ")")
                .collect(Collectors.joining(", "));
        assertRefusedWith(252, post("", "INSERT INTO " + table + " VALUES " + values));
    }

    @Test
    void rowsThatDoNotParseAreRefusedWithTheirCode() throws Exception {
        Answer answer =
                post(query("INSERT INTO " + table + " FORMAT TabSeparated"), "1\t2026-01-01\nnot-a-number\tx\n");
        assertTrue(answer.status() >= 400, answer.body());
        assertTrue(answer.body().startsWith("Code: " + answer.exceptionCode() + "."), answer.body());
        assertEquals(0, ch.queryLong("SELECT count() FROM " + table), "nothing stored");
    }

    @Test
    void settingsInTheUrlApplyToTheInsert() throws Exception {
        Answer stored = post(
                query("INSERT INTO " + table + " FORMAT TabSeparated") + "&throw_on_max_partitions_per_insert_block=0",
                ROWS_OVER_150_DAYS);
        assertEquals(200, stored.status(), stored.body());
        assertEquals(150, ch.queryLong("SELECT count() FROM " + table));
    }

    @Test
    void aDeduplicationTokenInTheUrlDropsTheSecondInsert() throws Exception {
        String insert = query("INSERT INTO " + table + " FORMAT TabSeparated") + "&insert_deduplication_token=batch-1";
        assertEquals(200, post(insert, "1\t2026-01-01\n2\t2026-01-02\n").status());
        assertEquals(200, post(insert, "1\t2026-01-01\n2\t2026-01-02\n").status(), "a re-send is acknowledged");
        assertEquals(2, ch.queryLong("SELECT count() FROM " + table), "and dropped");
        String other = query("INSERT INTO " + table + " FORMAT TabSeparated") + "&insert_deduplication_token=batch-2";
        assertEquals(200, post(other, "1\t2026-01-01\n2\t2026-01-02\n").status());
        assertEquals(4, ch.queryLong("SELECT count() FROM " + table), "another token stores the same rows again");
    }

    @Test
    void settingsInTheUrlApplyToQueriesAndOnlyToThatRequest() throws Exception {
        Answer slow = post(
                "max_execution_time=1&timeout_overflow_mode=throw",
                "SELECT count() FROM numbers(1000000000000) WHERE sleepEachRow(0) = 0");
        assertEquals("159", slow.exceptionCode(), slow.body()); // TIMEOUT_EXCEEDED
        assertEquals(
                "0", post("", "SELECT getSetting('max_execution_time')").body().trim(), "not left behind");
    }
}
