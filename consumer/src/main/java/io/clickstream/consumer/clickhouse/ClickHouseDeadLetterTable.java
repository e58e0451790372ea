package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.dlq.DeadLetter;
import io.clickstream.consumer.dlq.DeadLetterTable;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Writes dead letters to {@code dead_letters} (clickhouse/init/005_dead_letters.sql) in one
 * RowBinaryWithNamesAndTypes insert: the payload's exact bytes (whatever they are: a dead letter
 * is often not UTF-8 or not JSON) cut to {@value #MAX_PAYLOAD_BYTES} bytes, with the original
 * size beside it.
 */
public final class ClickHouseDeadLetterTable implements DeadLetterTable {
    public static final String TABLE = "dead_letters";
    /** Payload bytes kept per row; the dead-letter topic keeps up to 256 KiB. */
    public static final int MAX_PAYLOAD_BYTES = 64 * 1024;

    static final int MAX_KEY_BYTES = 1024;
    static final int MAX_REASON_CHARS = 2_000;
    private static final UUID NO_TOPIC_ID = new UUID(0, 0);

    /** In the order {@link #encode} writes them. */
    public static final List<Column> WRITTEN = List.of(
            new Column("received_at", "DateTime64(3, 'UTC')"),
            new Column("reason_class", "LowCardinality(String)"),
            new Column("reason", "String"),
            new Column("source_topic", "LowCardinality(String)"),
            new Column("source_topic_id", "UUID"),
            new Column("source_partition", "UInt16"),
            new Column("source_offset", "UInt64"),
            new Column("source_timestamp", "Nullable(DateTime64(3, 'UTC'))"),
            new Column("key", "String"),
            new Column("payload", "String"),
            new Column("payload_bytes", "UInt32"));

    static final List<String> NAMES = WRITTEN.stream().map(Column::name).toList();

    private final DataSource dataSource;

    public ClickHouseDeadLetterTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public void write(List<Received> letters) throws WriteException {
        if (letters.isEmpty()) {
            return;
        }
        byte[] body = encode(letters);
        RowBinaryInsert.insert(
                dataSource,
                TABLE,
                NAMES,
                out -> out.write(body),
                settings -> settings,
                "insert of " + letters.size() + " dead letters");
    }

    static byte[] encode(List<Received> letters) {
        Rows out = new Rows();
        out.writeBytes(RowBinaryEncoder.header(WRITTEN));
        for (Received received : letters) {
            DeadLetter letter = received.letter();
            out.int64(received.receivedAtMillis());
            out.text(letter.reasonClass());
            String reason = letter.reason();
            out.text(reason.length() <= MAX_REASON_CHARS ? reason : reason.substring(0, MAX_REASON_CHARS) + "...");
            out.text(letter.sourceTopic());
            UUID topicId = letter.sourceTopicId() == null ? NO_TOPIC_ID : letter.sourceTopicId();
            out.int64(topicId.getMostSignificantBits());
            out.int64(topicId.getLeastSignificantBits());
            out.int16(letter.sourcePartition());
            out.int64(letter.sourceOffset());
            if (letter.sourceTimestamp() < 0) {
                out.write(1); // Nullable: NULL
            } else {
                out.write(0);
                out.int64(letter.sourceTimestamp());
            }
            out.bytes(cut(letter.key(), MAX_KEY_BYTES));
            out.bytes(cut(letter.value(), MAX_PAYLOAD_BYTES));
            out.int32(letter.value() == null ? 0 : letter.value().length);
        }
        return out.toByteArray();
    }

    private static byte[] cut(byte[] bytes, int max) {
        if (bytes == null) {
            return new byte[0];
        }
        return bytes.length <= max ? bytes : Arrays.copyOf(bytes, max);
    }

    /** RowBinary primitives: little-endian integers, LEB128-prefixed strings. */
    private static final class Rows extends ByteArrayOutputStream {
        void varInt(int value) {
            while ((value & ~0x7F) != 0) {
                write((value & 0x7F) | 0x80);
                value >>>= 7;
            }
            write(value);
        }

        void text(String value) {
            bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        void bytes(byte[] value) {
            varInt(value.length);
            writeBytes(value);
        }

        void int64(long value) {
            for (int i = 0; i < 8; i++) {
                write((int) (value >>> (8 * i)));
            }
        }

        void int32(int value) {
            for (int i = 0; i < 4; i++) {
                write(value >>> (8 * i));
            }
        }

        void int16(int value) {
            write(value);
            write(value >>> 8);
        }
    }
}
