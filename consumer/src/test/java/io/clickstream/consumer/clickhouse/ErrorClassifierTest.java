package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
    private static WriteException classify(Throwable error) {
        return ErrorClassifier.classify("insert", error);
    }

    @Test
    void connectionFailuresAreRetriable() {
        WriteException e = classify(new SQLException("Failed to connect", new ConnectException("Connection refused")));
        assertEquals(WriteException.Kind.RETRIABLE, e.kind());
        assertEquals(0, e.code());
    }

    @Test
    void clickHouseCodesAreReadFromTheErrorCodeOrTheMessage() {
        assertEquals(
                60,
                classify(new SQLException("Table x does not exist", "HY000", 60))
                        .code());
        assertEquals(
                81,
                classify(new SQLException("Code: 81. DB::Exception: Database nope does not exist. (UNKNOWN_DATABASE)"))
                        .code());
        assertEquals(
                252,
                classify(new RuntimeException("wrapped", new SQLException("Code: 252. DB::Exception: Too many parts")))
                        .code());
    }

    @Test
    void aViolatedCheckConstraintIsTheRowsFaultNotATransientState() {
        // ClickHouse 26.9's own text for a CHECK an operator added to the table
        assertEquals(
                WriteException.Kind.DATA,
                classify(new SQLException("Code: 469. DB::Exception: Constraint `cap` for table c.t is violated at"
                                + " row 1. Expression: (p < 500). Column values: p = '600'. (VIOLATED_CONSTRAINT)"))
                        .kind());
    }

    @Test
    void classifiesByCode() {
        assertEquals(
                WriteException.Kind.FATAL,
                classify(new SQLException("x", "HY000", 516)).kind()); // AUTHENTICATION_FAILED
        assertEquals(
                WriteException.Kind.FATAL,
                classify(new SQLException("x", "HY000", 60)).kind()); // UNKNOWN_TABLE
        assertEquals(
                WriteException.Kind.FATAL,
                classify(new SQLException("x", "HY000", 16)).kind()); // NO_SUCH_COLUMN_IN_TABLE
        assertEquals(
                WriteException.Kind.DATA,
                classify(new SQLException("x", "HY000", 53)).kind()); // TYPE_MISMATCH
        assertEquals(
                WriteException.Kind.DATA,
                classify(new SQLException("x", "HY000", 407)).kind()); // DECIMAL_OVERFLOW
        assertEquals(
                WriteException.Kind.RETRIABLE,
                classify(new SQLException("x", "HY000", 252)).kind()); // TOO_MANY_PARTS
        assertEquals(
                WriteException.Kind.RETRIABLE,
                classify(new SQLException("x", "HY000", 241)).kind()); // MEMORY_LIMIT_EXCEEDED
        assertEquals(
                WriteException.Kind.RETRIABLE,
                classify(new SQLException("x", "HY000", 4242)).kind(),
                "unknown codes are retried");
    }

    @Test
    void messageNamesKindAndCode() {
        assertEquals(
                "insert failed (FATAL, ClickHouse code 516): Code: 516. DB::Exception: default: Authentication failed",
                classify(new SQLException("Code: 516. DB::Exception: default: Authentication failed\nmore"))
                        .getMessage());
    }

    @Test
    void aColumnWhoseTypeChangedIsFatalAndNamed() {
        WriteException e = classify(
                new SQLException(
                        "Code: 117. DB::Exception: Type of 'price' must be Decimal(18, 4),"
                                + " not Decimal(18, 2): (while reading header): While executing BinaryRowInputFormat. (INCORRECT_DATA)"));
        assertEquals(WriteException.Kind.FATAL, e.kind());
        assertTrue(
                e.getMessage()
                        .contains("column price of the events table is now Decimal(18, 4), the consumer writes"
                                + " Decimal(18, 2)"),
                e.getMessage());
        assertEquals(
                WriteException.Kind.DATA,
                classify(new SQLException("Code: 117. DB::Exception: Cannot read all data." + " (INCORRECT_DATA)"))
                        .kind(),
                "other INCORRECT_DATA is about the rows");
    }

    @Test
    void tooManyPartitionsInOneBlockIsTheBatchNotTheServer() {
        assertEquals(
                WriteException.Kind.DATA,
                classify(new SQLException("Code: 252. DB::Exception: Too many partitions for"
                                + " single INSERT block (more than 100). (TOO_MANY_PARTS)"))
                        .kind(),
                "split the batch");
        assertEquals(
                WriteException.Kind.RETRIABLE,
                classify(new SQLException("Code: 252. DB::Exception: Too many parts"
                                + " (3000 with average size of 1.00 MiB) in table 'x'. Merges are processing significantly slower than inserts."
                                + " (TOO_MANY_PARTS)"))
                        .kind(),
                "back off");
    }

    @Test
    void theRootCauseOfATransportFailureIsNamed() {
        WriteException e = classify(new RuntimeException(
                "Insert request failed (attempt: 1)", new SocketTimeoutException("Read timed out")));
        assertEquals(
                "insert failed (RETRIABLE): Insert request failed (attempt: 1) (SocketTimeoutException: Read timed out)",
                e.getMessage());
    }
}
