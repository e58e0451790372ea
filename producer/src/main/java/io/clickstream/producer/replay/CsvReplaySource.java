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

    private final ReplayRowMapper mapper = new ReplayRowMapper(new EventCodec());
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
        InputStream in = Files.newInputStream(path);
        try {
            if (path.getFileName().toString().endsWith(".gz")) {
                in = new GZIPInputStream(in, BUFFER_BYTES);
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8), BUFFER_BYTES);
            CsvReplaySource source = new CsvReplaySource(reader, path.toString(), rate, speed, keepOriginalTimestamps);
            source.readHeader();
            return source;
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    private void readHeader() throws IOException {
        CsvRecords.Record record = records.next();
        String header = record == null ? null : record.text();
        boolean valid;
        try {
            valid = header != null && ReplayRowMapper.isHeader(header.replace("\uFEFF", ""));
        } catch (RowRejectedException e) {
            valid = false;
        }
        if (!valid) {
            throw new IOException(file + ": line 1 must be the header " + String.join(",", ReplayRowMapper.HEADER)
                    + (header == null ? " (the file is empty)" : ", found: " + abbreviate(header)));
        }
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
