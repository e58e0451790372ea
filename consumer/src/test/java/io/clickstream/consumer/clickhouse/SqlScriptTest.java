package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.RepositoryLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class SqlScriptTest {
    @Test
    void splitsOnSemicolonsOutsideQuotesIdentifiersAndComments() {
        assertEquals(
                List.of("SELECT 1", "SELECT 'a;b', \"c;d\", `e;f`", "SELECT 2"),
                SqlScript.statements(
                        "SELECT 1;\nSELECT 'a;b', \"c;d\", `e;f`; -- a comment; still comment\nSELECT 2;"));
    }

    @Test
    void commentsAreDroppedAndEmptyStatementsSkipped() {
        assertEquals(
                List.of("CREATE TABLE t (x UInt8)", "SELECT"),
                SqlScript.statements(
                        "-- header; with a semicolon\n;;\nCREATE TABLE t/* inline; comment */(x UInt8);\n\nSELECT /**/;\n-- trailing"));
    }

    @Test
    void escapedAndDoubledQuotesStayInsideTheirLiteral() {
        assertEquals(
                List.of("SELECT 'it''s; fine'", "SELECT 'back\\\\'' ; still'"),
                SqlScript.statements("SELECT 'it''s; fine'; SELECT 'back\\\\'' ; still'"));
    }

    @Test
    void unterminatedQuotesAndCommentsAreErrorsNamingTheOffset() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SqlScript.statements("SELECT 'open; SELECT 2"))
                .getMessage()
                .contains("unterminated ' quote at offset 7"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> SqlScript.statements("SELECT 1 /* open"))
                .getMessage()
                .contains("unterminated /* comment at offset 9"));
    }

    @Test
    void everyDeployedSqlFileSplitsIntoStatementsThatStartWithAKeyword() throws Exception {
        for (String dir : List.of("clickhouse/init", "clickhouse/access")) {
            try (Stream<Path> files = Files.list(RepositoryLayout.resolve(dir))) {
                for (Path file :
                        files.filter(f -> f.toString().endsWith(".sql")).toList()) {
                    List<String> statements = SqlScript.statements(Files.readString(file));
                    assertTrue(!statements.isEmpty(), file.toString());
                    for (String sql : statements) {
                        assertTrue(sql.matches("(?s)(CREATE|ALTER|GRANT)\\b.*"), file + ": " + sql);
                    }
                }
            }
        }
    }

    @Test
    void aLiteralEscapesQuotesAndBackslashes() {
        assertEquals("'it\\'s a\\\\b'", SqlScript.literal("it's a\\b"));
    }
}
