package io.clickstream.producer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CsvRecordsTest {
    private static List<CsvRecords.Record> read(String csv) throws Exception {
        CsvRecords records = new CsvRecords(new BufferedReader(new StringReader(csv)));
        List<CsvRecords.Record> all = new ArrayList<>();
        for (CsvRecords.Record r; (r = records.next()) != null; ) {
            all.add(r);
        }
        return all;
    }

    @Test
    void quotedSeparatorsDoubledQuotesAndLineBreaksStayInTheirField() throws Exception {
        List<CsvRecords.Record> records =
                read("a,\"b,c\",\"say \"\"hi\"\"\"\n" + "x,\"two\nlines\",y\n" + "\"crlf\"\r\nlast,row,here\n");
        assertEquals(
                List.of(1L, 2L, 4L, 5L),
                records.stream().map(CsvRecords.Record::line).toList(),
                "the record after a two-line field starts on line 4");
        assertEquals(
                List.of("a", "b,c", "say \"hi\""),
                CsvRecords.fields(records.get(0).text()));
        assertEquals(
                List.of("x", "two\nlines", "y"),
                CsvRecords.fields(records.get(1).text()));
        assertEquals(List.of("crlf"), CsvRecords.fields(records.get(2).text()));
        assertEquals(
                List.of("last", "row", "here"), CsvRecords.fields(records.get(3).text()));
        assertTrue(records.stream().allMatch(r -> r.problem() == null));
    }

    @Test
    void aStrayQuoteIsRejectedAndTheRowsAfterItAreStillRead() throws Exception {
        List<CsvRecords.Record> records = read("ok,1\nbad,\"never closed\nnext,2\nnext,3\n");
        assertEquals(4, records.size());
        assertTrue(
                records.get(1).problem().startsWith("unterminated quote"),
                records.get(1).problem());
        assertEquals(
                List.of(3L, 4L), List.of(records.get(2).line(), records.get(3).line()));
        assertEquals(List.of("next", "3"), CsvRecords.fields(records.get(3).text()));
    }

    @Test
    void anUnclosedQuoteReadsNoFurtherThanTheRecordLimit() throws Exception {
        StringBuilder csv = new StringBuilder("bad,\"open\n");
        int rows = 10_000; // about 140 KiB after the quote: more than a record may hold
        for (int i = 0; i < rows; i++) {
            csv.append("row,").append(i).append(",padding\n");
        }
        List<CsvRecords.Record> records = read(csv.toString());
        assertEquals(1 + rows, records.size(), "every row after the stray quote is read again");
        assertTrue(records.get(0).problem().contains("within 64 KiB"));
        assertEquals(
                List.of("row", "9999", "padding"),
                CsvRecords.fields(records.get(rows).text()));
        assertEquals(rows + 1L, records.get(rows).line());
    }

    @Test
    void aQuoteInsideAnUnquotedFieldIsAProblemNotTheStartOfAQuotedField() throws Exception {
        List<CsvRecords.Record> records = read("a,b\"c,d\nnext,row\n");
        assertEquals(2, records.size(), "the next line stays its own record");
        assertEquals("quote inside unquoted field 2", records.get(0).problem());
        assertNull(records.get(1).problem());
    }
}
