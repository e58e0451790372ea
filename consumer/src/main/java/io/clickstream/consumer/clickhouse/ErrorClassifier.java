package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.clickhouse.WriteException.Kind;
import java.sql.SQLException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place that decides whether a ClickHouse failure is retriable, a data problem or
 * fatal. ClickHouse error codes are named as in ClickHouse's {@code ErrorCodes.cpp}; anything
 * that is not an answer from ClickHouse (connection refused, timeout, reset) is retriable,
 * because it says nothing about the rows. Unknown codes are retried: a wrong "retriable" costs
 * time and is visible in the logs, a wrong "data" would dead-letter good events; the same unknown
 * code answered {@link UnknownCodeLimit#ATTEMPTS} times in a row stops the consumer.
 */
public final class ErrorClassifier {
    private static final Pattern CODE_IN_MESSAGE = Pattern.compile("Code: (\\d+)\\.");
    /** INCORRECT_DATA (117) from the insert's header check: the table's column no longer has the type we write. */
    private static final Pattern COLUMN_TYPE_CHANGED = Pattern.compile("Type of '([^']+)' must be (.+?), not (.+?):");

    private static final int INCORRECT_DATA = 117;
    private static final int TOO_MANY_PARTS = 252;

    private static final Map<Integer, Kind> BY_CODE = Map.ofEntries(
            // the rows cannot be stored as they are
            Map.entry(6, Kind.DATA), // CANNOT_PARSE_TEXT
            Map.entry(27, Kind.DATA), // CANNOT_PARSE_INPUT_ASSERTION_FAILED
            Map.entry(33, Kind.DATA), // CANNOT_READ_ALL_DATA
            Map.entry(36, Kind.DATA), // BAD_ARGUMENTS (e.g. unknown Enum8 value)
            Map.entry(41, Kind.DATA), // CANNOT_PARSE_DATETIME
            Map.entry(53, Kind.DATA), // TYPE_MISMATCH
            Map.entry(69, Kind.DATA), // ARGUMENT_OUT_OF_BOUND
            Map.entry(70, Kind.DATA), // CANNOT_CONVERT_TYPE
            Map.entry(72, Kind.DATA), // CANNOT_PARSE_NUMBER
            Map.entry(117, Kind.DATA), // INCORRECT_DATA (but a changed column type is FATAL, see classify)
            Map.entry(131, Kind.DATA), // TOO_LARGE_STRING_SIZE
            Map.entry(407, Kind.DATA), // DECIMAL_OVERFLOW
            Map.entry(469, Kind.DATA), // VIOLATED_CONSTRAINT: a CHECK on the table refuses these rows
            Map.entry(691, Kind.DATA), // UNKNOWN_ELEMENT_OF_ENUM
            // configuration or schema: a human must act
            Map.entry(16, Kind.FATAL), // NO_SUCH_COLUMN_IN_TABLE
            Map.entry(47, Kind.FATAL), // UNKNOWN_IDENTIFIER
            Map.entry(60, Kind.FATAL), // UNKNOWN_TABLE
            Map.entry(62, Kind.FATAL), // SYNTAX_ERROR
            Map.entry(81, Kind.FATAL), // UNKNOWN_DATABASE
            Map.entry(164, Kind.FATAL), // READONLY
            Map.entry(192, Kind.FATAL), // UNKNOWN_USER
            Map.entry(193, Kind.FATAL), // WRONG_PASSWORD
            Map.entry(194, Kind.FATAL), // REQUIRED_PASSWORD
            Map.entry(497, Kind.FATAL), // ACCESS_DENIED
            Map.entry(516, Kind.FATAL), // AUTHENTICATION_FAILED
            // transient server states: retry with backoff
            Map.entry(159, Kind.RETRIABLE), // TIMEOUT_EXCEEDED
            Map.entry(202, Kind.RETRIABLE), // TOO_MANY_SIMULTANEOUS_QUERIES
            Map.entry(203, Kind.RETRIABLE), // NO_FREE_CONNECTION
            Map.entry(209, Kind.RETRIABLE), // SOCKET_TIMEOUT
            Map.entry(210, Kind.RETRIABLE), // NETWORK_ERROR
            Map.entry(241, Kind.RETRIABLE), // MEMORY_LIMIT_EXCEEDED
            Map.entry(242, Kind.RETRIABLE), // TABLE_IS_READ_ONLY
            Map.entry(252, Kind.RETRIABLE), // TOO_MANY_PARTS
            Map.entry(225, Kind.RETRIABLE), // NO_ZOOKEEPER (Keeper unreachable, replicated tables)
            Map.entry(285, Kind.RETRIABLE), // TOO_FEW_LIVE_REPLICAS (fewer live replicas than insert_quorum)
            Map.entry(286, Kind.RETRIABLE), // UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE
            Map.entry(289, Kind.RETRIABLE), // REPLICA_IS_NOT_IN_QUORUM
            // quorum not reached in time: re-sent with the same token, which waits for the existing part's quorum
            Map.entry(319, Kind.RETRIABLE), // UNKNOWN_STATUS_OF_INSERT
            Map.entry(425, Kind.RETRIABLE), // SYSTEM_ERROR
            Map.entry(999, Kind.RETRIABLE)); // KEEPER_EXCEPTION

    private ErrorClassifier() {}

    /** Whether {@code code} is classified here; 0 (no answer from ClickHouse) counts as known: retriable. */
    public static boolean isKnown(int code) {
        return code == 0 || BY_CODE.containsKey(code);
    }

    public static WriteException classify(String what, Throwable error) {
        int code = clickHouseCode(error);
        Kind kind = code == 0 ? Kind.RETRIABLE : BY_CODE.getOrDefault(code, Kind.RETRIABLE);
        String detail = firstLine(error);
        if (code == INCORRECT_DATA) {
            Matcher changed = COLUMN_TYPE_CHANGED.matcher(fullText(error));
            if (changed.find()) {
                // Deterministic for every row: retrying or dead-lettering would be wrong. A person must act.
                kind = Kind.FATAL;
                detail = "column " + changed.group(1) + " of the events table is now " + changed.group(2)
                        + ", the consumer writes " + changed.group(3) + ": the table was changed under the consumer;"
                        + " restore the column type (or deploy a consumer built for the new schema). " + detail;
            }
        } else if (code == TOO_MANY_PARTS && fullText(error).contains("partitions for single INSERT block")) {
            // Not server pressure but this batch's spread of days: splitting the batch stores it.
            kind = Kind.DATA;
        }
        String message = what + " failed (" + kind + (code == 0 ? "" : ", ClickHouse code " + code) + "): " + detail;
        return new WriteException(kind, code, message, error);
    }

    private static String fullText(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = error; t != null; t = t.getCause()) {
            text.append(t.getMessage()).append('\n');
        }
        return text.toString();
    }

    /** ClickHouse's error code from the exception chain, or 0 if ClickHouse did not answer with one. */
    static int clickHouseCode(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() > 0) {
                return sql.getErrorCode();
            }
            if (t.getMessage() != null) {
                Matcher m = CODE_IN_MESSAGE.matcher(t.getMessage());
                if (m.find()) {
                    return Integer.parseInt(m.group(1));
                }
            }
        }
        return 0;
    }

    /** The first line of the message, and the root cause where it says more (e.g. "Read timed out"). */
    private static String firstLine(Throwable error) {
        String line = firstLineOf(error.getMessage() == null ? error.toString() : error.getMessage());
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != error) {
            String cause = root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + firstLineOf(root.getMessage()));
            if (!line.contains(cause)) {
                line += " (" + cause + ")";
            }
        }
        return line;
    }

    private static String firstLineOf(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
