package io.clickstream.producer.replay;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.producer.EventSource;
import io.clickstream.producer.pacing.RateSchedule;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a recorded clickstream CSV ({@code .csv} or {@code .csv.gz}) record by record
 * ({@link CsvRecords}: RFC 4180, quoted separators and line breaks), in constant memory, at a
 * fixed rate or at the recording's own pace times a speed factor. Malformed rows are reported
 * with their line number and reason, counted by reason, and skipped.
 */
public final class CsvReplaySource implements EventSource {
    private static final Logger LOG = LoggerFactory.getLogger(CsvReplaySource.class);
    /** Rejections logged one by one; further ones are counted (the summary has the total). */
    private static final int LOGGED_REJECTIONS = 100;

    private static final int BUFFER_BYTES = 1 << 20;

    private final BufferedReader reader;
    private final CsvRecords records;
    /** Rejections per reason, the reason's values elided ("price: '…' is not a number"). */
    private final Map<String, Long> rejectedByReason = new TreeMap<>();

    private ReplayRowMapper mapper; // from the header and the mapping, once the header is read
    private final RateSchedule schedule; // null when pacing by the recording's times
    private final double speed;
    private final double rate;
    private final boolean keepOriginalTimestamps;
    private final String file;
    private long rows;
    private long rejected;
    private Instant firstEventTime;
    private ClickEvent pending;

    private CsvReplaySource(
            BufferedReader reader, String file, double rate, Double speed, boolean keepOriginalTimestamps) {
        this.reader = reader;
        this.records = new CsvRecords(reader);
        this.file = file;
        this.schedule = speed == null ? RateSchedule.fixed(rate) : null;
        this.speed = speed == null ? 0 : speed;
        this.rate = rate;
        this.keepOriginalTimestamps = keepOriginalTimestamps;
    }

    /**
     * Opens the file and checks its header.
     *
     * @param rate  events per second when {@code speed} is null (0 = unthrottled)
     * @param speed original pace times this factor, or null to use {@code rate}
     * @throws IOException if unreadable, or if the first line is not the dataset's header
     */
    public static CsvReplaySource open(Path path, double rate, Double speed, boolean keepOriginalTimestamps)
            throws IOException {
        return open(path, rate, speed, keepOriginalTimestamps, null);
    }

    /** --replay-format's value for "tell the layout from the header among the built-in mappings". */
    public static final String AUTO = "auto";

    /**
     * Opens the file with a mapping ({@link ReplayMapping#named}), or with {@code null} the
     * built-in mapping its header matches.
     *
     * @throws IOException if unreadable, or if the header lacks the mapping's columns (or, without
     *     a mapping, matches no built-in layout)
     */
    public static CsvReplaySource open(
            Path path, double rate, Double speed, boolean keepOriginalTimestamps, ReplayMapping chosen)
            throws IOException {
        InputStream in = Files.newInputStream(path);
        try {
            if (path.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, BUFFER_BYTES);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), BUFFER_BYTES);
            CsvReplaySource source = new CsvReplaySource(reader, path.toString(), rate, speed, keepOriginalTimestamps);
            source.readHeader(chosen);
            return source;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private void readHeader(ReplayMapping chosen) throws IOException {
        CsvRecords.Record record = records.next();
        if (record == null) {
            throw new IOException(file + ": the file is empty; line 1 must be its header");
        }
        String text = record.text().replace("\uFEFF", "").strip();
        List<String> header;
        try {
            header = CsvRecords.fields(text).stream().map(String::strip).toList();
        } catch (RowRejectedException e) {
            throw new IOException(file + ": line 1 is not a CSV header: " + e.getMessage());
        }
        ReplayMapping mapping = chosen == null ? ReplayMapping.detect(header) : chosen;
        if (mapping == null) {
            throw new IOException(file + ": line 1 is not the header of a built-in layout ("
                    + String.join(
                            "; ",
                            ReplayMapping.BUILT_IN.stream()
                                    .map(n -> n + ": "
                                            + String.join(
                                                    ",",
                                                    ReplayMapping.builtIn(n).columns()))
                                    .toList())
                    + "), found: " + abbreviate(text) + ". Give --replay-format a mapping file for another layout");
        }
        try {
            mapper = new ReplayRowMapper(new EventCodec(), mapping, header);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage() + ", found: " + abbreviate(text));
        }
        LOG.info("{}: read as {}", file, mapping.name());
    }

    @Override
    public long nextDueNanos() throws IOException {
        pending = null;
        CsvRecords.Record record;
        while ((record = records.next()) != null) {
            if (record.text().isBlank()) {
                continue;
            }
            rows++;
            try {
                pending = mapper.map(record);
                break;
            } catch (RowRejectedException e) {
                rejectedByReason.merge(e.getMessage().replaceAll("'[^']*'", "'…'"), 1L, Long::sum);
                if (++rejected <= LOGGED_REJECTIONS) {
                    LOG.warn(
                            "{} line {}: rejected: {}{}",
                            file,
                            record.line(),
                            e.getMessage(),
                            rejected == LOGGED_REJECTIONS ? " (further rejections are counted, not logged)" : "");
                }
            }
        }
        if (pending == null) {
            return -1;
        }
        if (schedule != null) {
            return schedule.nextDueNanos();
        }
        if (firstEventTime == null) {
            firstEventTime = pending.timestamp();
        }
        long recorded = pending.timestamp().toEpochMilli() - firstEventTime.toEpochMilli();
        return Math.max(0, (long) (recorded * 1e6 / speed));
    }

    @Override
    public boolean unthrottled() {
        return schedule != null && rate <= 0;
    }

    @Override
    public ClickEvent take(Instant now) {
        ClickEvent e = pending;
        if (keepOriginalTimestamps) {
            return e;
        }
        return e.withTimestamp(now);
    }

    @Override
    public String counters() {
        return String.format("rows read %,d, rejected %,d", rows, rejected);
    }

    /** Rejected rows per reason (values elided), sorted by reason, for the summary. */
    public Map<String, Long> rejectedByReason() {
        return Collections.unmodifiableMap(new TreeMap<>(rejectedByReason)); // sorted by reason
    }

    /** Rows read that became events. */
    public long accepted() {
        return rows - rejected;
    }

    @Override
    public long rejected() {
        return rejected;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    private static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 120) + "...";
    }
}
