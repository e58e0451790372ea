package io.clickstream.producer.replay;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The records of a CSV stream (RFC 4180), one at a time, in constant memory. Fields are parsed by
 * Jackson's CSV module ({@link #fields}): separators, doubled quotes and line breaks inside
 * quoted fields are its business. This class only finds where a record ends: at a line break
 * outside a quoted field, a quoted field being one that starts with a quote
 * ({@link BoundaryScan}). A quote anywhere else in an unquoted field makes the record invalid
 * (reason given) rather than opening a quoted field that would run into the next rows.
 *
 * <p>A record is bounded ({@value #MAX_RECORD_CHARS} characters): a stray quote in a recorded
 * file must not swallow the rest of it into one field. A record whose quoted field does not
 * close within the bound (or by the end of the file) is returned as unterminated, and reading
 * resumes on the line after its first line, so every other row is still read.
 */
final class CsvRecords {
    static final int MAX_RECORD_CHARS = 64 * 1024;
    /** Without a schema, Jackson's CSV parser reads a record as an array of its fields. */
    private static final ObjectReader FIELDS = new CsvMapper().readerForListOf(String.class);

    /** One record: the line it starts on, its text (line breaks inside quotes kept as \n), and what is wrong with it, if anything. */
    record Record(long line, String text, String problem) {}

    private final BufferedReader reader;
    /** Lines read ahead while looking for a closing quote that never came: read again as records. */
    private final Deque<String> pushedBack = new ArrayDeque<>();

    private long nextLine = 1;

    CsvRecords(BufferedReader reader) {
        this.reader = reader;
    }

    /** The next record, or null at the end of the stream. Blank lines are records of blank text. */
    Record next() throws IOException {
        String first = readLine();
        if (first == null) {
            return null;
        }
        long line = nextLine++;
        BoundaryScan scan = new BoundaryScan();
        scan.line(first);
        if (!scan.inQuotedField) {
            return new Record(line, first, scan.problem);
        }
        StringBuilder text = new StringBuilder(first);
        Deque<String> continuation = new ArrayDeque<>();
        while (scan.inQuotedField) {
            String more = readLine();
            if (more == null || text.length() + 1 + more.length() > MAX_RECORD_CHARS) {
                if (more != null) {
                    continuation.addLast(more);
                }
                while (!continuation.isEmpty()) { // give back what was read past the first line, in order
                    pushedBack.addFirst(continuation.removeLast());
                }
                return new Record(
                        line,
                        first,
                        "unterminated quote: no closing quote within " + MAX_RECORD_CHARS / 1024
                                + " KiB or by the end of the file");
            }
            continuation.addLast(more);
            text.append('\n').append(more); // the line break belongs to the quoted field
            scan.line(more);
        }
        nextLine += continuation.size();
        return new Record(line, text.toString(), scan.problem);
    }

    /** Where quoted fields open and close, line by line: enough to find a record's end, nothing more. */
    private static final class BoundaryScan {
        boolean inQuotedField;
        boolean atFieldStart = true;
        int field = 1;
        String problem;

        void line(String text) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (inQuotedField) {
                    if (c == '"') {
                        if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                            i++; // a doubled quote: a quote character inside the field
                        } else {
                            inQuotedField = false;
                        }
                    }
                } else if (c == ',') {
                    field++;
                    atFieldStart = true;
                    continue;
                } else if (c == '"') {
                    if (atFieldStart) {
                        inQuotedField = true;
                    } else if (problem == null) {
                        problem = "quote inside unquoted field " + field;
                    }
                }
                atFieldStart = false;
            }
        }
    }

    /** What is wrong with the quoting of one record's text, or null (for records not read through {@link #next()}). */
    static String problemOf(String record) {
        BoundaryScan scan = new BoundaryScan();
        scan.line(record);
        return scan.problem != null ? scan.problem : scan.inQuotedField ? "unterminated quote" : null;
    }

    /** The fields of one record. */
    static List<String> fields(String record) throws RowRejectedException {
        try {
            return FIELDS.readValue(record);
        } catch (JacksonException e) {
            // The parser's two common complaints, in the words of the rest of the replay's reasons.
            String message = e.getOriginalMessage();
            if (message.startsWith("Missing closing quote")) {
                throw new RowRejectedException("unterminated quote");
            }
            if (message.contains("Expected column separator")) {
                throw new RowRejectedException("text after a closing quote");
            }
            throw new RowRejectedException("not a CSV record: " + message);
        } catch (IOException e) {
            throw new RowRejectedException("not a CSV record: " + e.getMessage());
        }
    }

    private String readLine() throws IOException {
        return pushedBack.isEmpty() ? reader.readLine() : pushedBack.removeFirst();
    }
}
