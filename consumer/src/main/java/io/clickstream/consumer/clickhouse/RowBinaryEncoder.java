package io.clickstream.consumer.clickhouse;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes event rows in ClickHouse's RowBinary format for {@link #COLUMNS}, straight from the
 * decoded events: no per-value type dispatch, no intermediate objects per row.
 *
 * <p>The byte layout depends on the exact column types, which {@link SchemaInstaller#check}
 * verifies at start: {@code UUID} (most and least significant halves, each little-endian),
 * {@code Enum8} (the values of {@link #enumValue}), {@code String} and {@code LowCardinality(String)}
 * (LEB128 length + UTF-8), {@code Decimal64} scale 2 (unscaled Int64), {@code DateTime64(3)} (epoch
 * milliseconds), {@code UInt16}, {@code UInt64} (little-endian).
 */
final class RowBinaryEncoder {
    static final List<String> COLUMNS = List.of("event_id", "event_type", "user_id", "product_id", "price", "timestamp",
            "session_id", "category", "device", "browser", "os", "kafka_topic", "kafka_partition", "kafka_offset");
    private static final int PRICE_SCALE = 2;

    private byte[] buffer = new byte[1 << 16];
    private int size;

    /** Encodes {@code rows} and writes them to {@code out}. */
    void write(List<EventRow> rows, OutputStream out) throws IOException {
        size = 0;
        for (EventRow row : rows) {
            ClickEvent e = row.event();
            ensure(512);
            putLong(e.eventId().getMostSignificantBits());
            putLong(e.eventId().getLeastSignificantBits());
            buffer[size++] = enumValue(e.eventType());
            putString(e.userId());
            putString(e.productId());
            putLong(unscaledPrice(e.price()));
            putLong(e.timestamp().toEpochMilli());
            putString(e.sessionId());
            putString(e.category());
            putString(e.device());
            putString(e.browser());
            putString(e.os());
            putString(row.topic());
            putShort(row.partition());
            putLong(row.offset());
            if (size > 1 << 20) {  // stream in 1 MiB pieces: memory stays flat whatever the batch size
                out.write(buffer, 0, size);
                size = 0;
            }
        }
        out.write(buffer, 0, size);
    }

    /** The Enum8 value of each type, as declared in clickhouse/init/002_events.sql. */
    static byte enumValue(EventType type) {
        return switch (type) {
            case PAGE_VIEW -> 1;
            case ADD_TO_CART -> 2;
            case REMOVE_FROM_CART -> 3;
            case PURCHASE -> 4;
        };
    }

    private static long unscaledPrice(BigDecimal price) {
        // Validated on decode: at most 2 decimals and at most 1e9, so this is exact and fits.
        return price.scale() == PRICE_SCALE ? price.unscaledValue().longValue()
                : price.setScale(PRICE_SCALE).unscaledValue().longValueExact();
    }

    @SuppressWarnings("deprecation")  // String.getBytes(int, int, byte[], int): the fast path for ASCII
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
            value.getBytes(0, length, buffer, size);  // ASCII: one byte per char, no encoder
            size += length;
        } else {
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            ensure(utf8.length + 5);
            putVarInt(utf8.length);
            System.arraycopy(utf8, 0, buffer, size, utf8.length);
            size += utf8.length;
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
            buffer = java.util.Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + extra));
        }
    }
}
