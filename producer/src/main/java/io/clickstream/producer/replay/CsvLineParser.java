package io.clickstream.producer.replay;

import java.util.ArrayList;
import java.util.List;

/** Splits one CSV line (RFC 4180: comma separated, optional double quotes, "" escapes a quote). */
final class CsvLineParser {
    private CsvLineParser() {
    }

    /** @throws RowRejectedException for an unterminated or misplaced quote */
    static List<String> fields(String line) throws RowRejectedException {
        List<String> fields = new ArrayList<>(9);
        StringBuilder field = new StringBuilder();
        int i = 0;
        int n = line.length();
        while (true) {
            if (i < n && line.charAt(i) == '"') {
                i++;
                while (true) {
                    if (i >= n) {
                        throw new RowRejectedException("unterminated quoted field " + (fields.size() + 1));
                    }
                    char c = line.charAt(i++);
                    if (c == '"') {
                        if (i < n && line.charAt(i) == '"') {
                            field.append('"');
                            i++;
                        } else {
                            break;
                        }
                    } else {
                        field.append(c);
                    }
                }
                if (i < n && line.charAt(i) != ',') {
                    throw new RowRejectedException("text after the closing quote of field " + (fields.size() + 1));
                }
            } else {
                while (i < n && line.charAt(i) != ',') {
                    char c = line.charAt(i++);
                    if (c == '"') {
                        throw new RowRejectedException("quote inside unquoted field " + (fields.size() + 1));
                    }
                    field.append(c);
                }
            }
            fields.add(field.toString());
            field.setLength(0);
            if (i >= n) {
                return fields;
            }
            i++;  // the comma
        }
    }
}
