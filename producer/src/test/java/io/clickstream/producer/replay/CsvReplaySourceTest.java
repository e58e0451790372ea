package io.clickstream.producer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReplaySourceTest {
    static final Path SAMPLE = Path.of("src/test/resources/replay-sample.csv");
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");

    private static List<ClickEvent> drain(CsvReplaySource source, List<Long> dues) throws IOException {
        List<ClickEvent> events = new ArrayList<>();
        long due;
        while ((due = source.nextDueNanos()) >= 0) {
            dues.add(due);
            events.add(source.take(NOW));
        }
        return events;
    }

    @Test
    void skipsAndCountsMalformedRowsAndKeepsGoing() throws Exception {
        try (CsvReplaySource source = CsvReplaySource.open(SAMPLE, 0, null, true)) {
            List<ClickEvent> events = drain(source, new ArrayList<>());
            assertEquals(6, events.size());
            assertEquals(7, source.rejected());
            assertEquals("rows read 13, rejected 7", source.counters());
            assertEquals(Instant.parse("2019-10-01T00:00:10Z"), events.get(5).timestamp(), "original timestamps kept");
        }
    }

    @Test
    void readsGzipAndShiftsTimestampsToNow(@TempDir Path dir) throws Exception {
        Path gz = dir.resolve("sample.csv.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(Files.readAllBytes(SAMPLE));
        }
        try (CsvReplaySource source = CsvReplaySource.open(gz, 0, null, false)) {
            List<ClickEvent> events = drain(source, new ArrayList<>());
            assertEquals(6, events.size());
            assertTrue(events.stream().allMatch(e -> e.timestamp().equals(NOW)));
        }
    }

    @Test
    void pacesByTheRecordingTimesSpeedFactor() throws Exception {
        List<Long> dues = new ArrayList<>();
        try (CsvReplaySource source = CsvReplaySource.open(SAMPLE, 0, 2.0, true)) {
            drain(source, dues);
        }
        // Recording offsets 0, 0, 1, 2, 4, 10 s at double speed.
        assertEquals(List.of(0L, 0L, 500_000_000L, 1_000_000_000L, 2_000_000_000L, 5_000_000_000L), dues);
    }

    @Test
    void pacesAtAFixedRate() throws Exception {
        List<Long> dues = new ArrayList<>();
        try (CsvReplaySource source = CsvReplaySource.open(SAMPLE, 4, null, true)) {
            drain(source, dues);
        }
        assertEquals(List.of(0L, 250_000_000L, 500_000_000L, 750_000_000L, 1_000_000_000L, 1_250_000_000L), dues);
    }

    @Test
    void refusesAFileWithoutTheHeader(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("no-header.csv");
        Files.writeString(file, "2019-10-01 00:00:00 UTC,view,1,2,,,0,3,s\n");
        IOException e = assertThrows(IOException.class, () -> CsvReplaySource.open(file, 0, null, true));
        assertTrue(
                e.getMessage()
                        .contains("line 1 is not the header of a built-in layout (kaggle: event_time,event_type,"),
                e.getMessage());
        Path empty = dir.resolve("empty.csv");
        Files.writeString(empty, "");
        assertTrue(assertThrows(IOException.class, () -> CsvReplaySource.open(empty, 0, null, true))
                .getMessage()
                .contains("the file is empty"));
    }

    @Test
    void aRetailRocketFileIsRecognisedByItsHeaderAndAnotherLayoutReadByAMappingFile(@TempDir Path dir)
            throws Exception {
        Path rr = dir.resolve("events.csv");
        Files.writeString(
                rr,
                "timestamp,visitorid,event,itemid,transactionid\n"
                        + "1433221332117,257597,view,355908,\n"
                        + "1433221955914,599528,transaction,356475,4000\n");
        try (CsvReplaySource source = CsvReplaySource.open(rr, 0, null, true)) {
            assertTrue(source.nextDueNanos() >= 0);
            assertEquals("user_257597", source.take(Instant.now()).userId());
            assertTrue(source.nextDueNanos() >= 0);
            assertEquals("4000", source.take(Instant.now()).orderId());
            assertEquals(-1, source.nextDueNanos());
        }

        Path other = dir.resolve("other.csv");
        Files.writeString(other, "when;who;what;kind\n".replace(';', ',') + "2019-10-01 10:00,a,b,seen\n");
        Path mapping = dir.resolve("other.properties");
        Files.writeString(
                mapping,
                "timestamp = when\nuser_id = who\nproduct_id = what\nevent_type = kind\nevent.seen = page_view\n"
                        + "timestamp.format = yyyy-MM-dd HH:mm\ntimestamp.zone = America/New_York\n");
        IOException unknown = assertThrows(IOException.class, () -> CsvReplaySource.open(other, 0, null, true));
        assertTrue(unknown.getMessage().contains("Give --replay-format a mapping file"), unknown.getMessage());
        try (CsvReplaySource source =
                CsvReplaySource.open(other, 0, null, true, ReplayMapping.named(mapping.toString()))) {
            assertTrue(source.nextDueNanos() >= 0);
            assertEquals(
                    Instant.parse("2019-10-01T14:00:00Z"),
                    source.take(Instant.now()).timestamp());
        }
        IOException lacking = assertThrows(
                IOException.class, () -> CsvReplaySource.open(other, 0, null, true, ReplayMapping.named("kaggle")));
        assertTrue(lacking.getMessage().contains("the header has no column event_time"), lacking.getMessage());
    }
}
