package io.clickstream.consumer.clickhouse;

import com.clickhouse.data.ClickHouseFormat;
import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventProperties;
import io.clickstream.model.Traffic;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes event rows in ClickHouse's RowBinaryWithNamesAndTypes format for
 * {@link EventTable#WRITTEN}, straight from the decoded events: no per-value type dispatch, no
 * intermediate objects per row.
 *
 * <p>The header names every column with the type this byte layout is for; ClickHouse refuses
 * the insert (code 117, naming the column) if the table's type differs, so a column changed under
 * a running consumer stops it instead of storing misread values. Layout: {@code UUID} (most and
 * least significant halves, each little-endian), {@code Enum8} ({@link EventTable#enumCode}),
 * {@code String} and {@code LowCardinality(String)} (LEB128 length + UTF-8), {@code Decimal(18, 2)}
 * (unscaled Int64), {@code DateTime64(3)} (epoch milliseconds), {@code UInt16}, {@code UInt64}
 * (little-endian), {@code Bool} (one byte, 0 or 1), {@code Map(K, V)} (LEB128 count, then each key
 * and value).
 */
final class RowBinaryEncoder {
    static final ClickHouseFormat FORMAT = ClickHouseFormat.RowBinaryWithNamesAndTypes;
    private static final int PRICE_SCALE = EventTable.PRICE_SCALE;
    private static final byte[] HEADER = header(EventTable.WRITTEN);

    private byte[] buffer = new byte[1 << 16];
    private int size;

    /** Encodes {@code rows} and writes them to {@code out}. */
    void write(List<EventRow> rows, OutputStream out) throws IOException {
        size = 0;
        ensure(HEADER.length);
        System.arraycopy(HEADER, 0, buffer, 0, HEADER.length);
        size = HEADER.length;
        for (EventRow row : rows) {
            ClickEvent e = row.event();
            // Each run of fixed-width fields reserves its room just before it is written; each string
            // reserves its own in putString (a string may be longer than any fixed reservation).
            ensure(16 + 1);
            putLong(e.eventId().getMostSignificantBits());
            putLong(e.eventId().getLeastSignificantBits());
            buffer[size++] = EventTable.enumCode(e.eventType());
            putString(e.userId());
            putString(e.productId());
            ensure(8 + 8);
            putLong(unscaledPrice(e.price()));
            putLong(e.timestamp().toEpochMilli());
            putString(e.sessionId());
            putString(e.category());
            putString(e.device());
            putString(e.browser());
            putString(e.os());
            putString(e.orderId());
            putString(e.brand());
            putString(e.categoryId());
            Traffic t = e.traffic();
            putString(t.page());
            putString(t.pageTitle());
            putString(t.referrer());
            putString(t.pageViewId());
            putString(t.utmSource());
            putString(t.utmMedium());
            putString(t.utmCampaign());
            putString(t.utmTerm());
            putString(t.utmContent());
            ensure(1);
            buffer[size++] = (byte) (t.paidClick() ? 1 : 0);
            putString(t.channel());
            ensure(1);
            buffer[size++] = (byte) (t.bot() ? 1 : 0);
            putString(t.country());
            putString(e.customerId());
            putProperties(e.properties());
            putString(row.topic());
            ensure(16 + 2 + 8);
            putLong(row.topicId().getMostSignificantBits());
            putLong(row.topicId().getLeastSignificantBits());
            putShort(row.partition());
            putLong(row.offset());
            if (size > 1 << 20) { // stream in 1 MiB pieces: memory stays flat whatever the batch size
                out.write(buffer, 0, size);
                size = 0;
            }
        }
        out.write(buffer, 0, size);
    }

    /** The RowBinaryWithNamesAndTypes header: column count, names, then types, each LEB128-length-prefixed. */
    static byte[] header(List<Column> columns) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeVarInt(out, columns.size());
        for (Column column : columns) {
            writeText(out, column.name());
        }
        for (Column column : columns) {
            writeText(out, column.type());
        }
        return out.toByteArray();
    }

    private static void writeText(ByteArrayOutputStream out, String text) {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        writeVarInt(out, utf8.length);
        out.writeBytes(utf8);
    }

    private static void writeVarInt(ByteArrayOutputStream out, int value) {
        while ((value & ~0x7F) != 0) {
            out.write((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        out.write(value);
    }

    private static long unscaledPrice(BigDecimal price) {
        // Validated on decode: at most 2 decimals and at most 1e9, so this is exact and fits.
        return price.scale() == PRICE_SCALE
                ? price.unscaledValue().longValue()
                : price.setScale(PRICE_SCALE).unscaledValue().longValueExact();
    }

    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the fast path for ASCII
    private void putString(String value) {
        if (value == null || value.isEmpty()) {
            ensure(1);
            buffer[size++] = 0;
            return;
        }
        int length = value.length();
        boolean ascii = true;
        for (int i = 0; i < length && ascii; i++) {
            ascii = value.charAt(i) < 0x80;
        }
        if (ascii) {
            ensure(length + 5);
            putVarInt(length);
            value.getBytes(0, length, buffer, size); // ASCII: one byte per char, no encoder
            size += length;
        } else {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length + 5);
            putVarInt(utf8.length);
            System.arraycopy(utf8, 0, buffer, size, utf8.length);
            size += utf8.length;
        }
    }

    /** A {@code Map} is an array of key-value tuples: the count, then each key and value. */
    private void putProperties(EventProperties properties) {
        if (properties.isEmpty()) {
            ensure(1);
            buffer[size++] = 0;
            return;
        }
        Map<String, String> text = properties.asText();
        ensure(5);
        putVarInt(text.size());
        for (Map.Entry<String, String> entry : text.entrySet()) {
            putString(entry.getKey());
            putString(entry.getValue());
        }
    }

    private void putVarInt(int value) {
        while ((value & ~0x7F) != 0) {
            buffer[size++] = (byte) ((value & 0x7F) | 0x80);
            value >>>= 7;
        }
        buffer[size++] = (byte) value;
    }

    private void putLong(long value) {
        for (int i = 0; i < 8; i++) {
            buffer[size++] = (byte) (value >>> (8 * i));
        }
    }

    private void putShort(int value) {
        buffer[size++] = (byte) value;
        buffer[size++] = (byte) (value >>> 8);
    }

    private void ensure(int extra) {
        if (size + extra > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}
