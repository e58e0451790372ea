package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The byte layout of one row; the end-to-end IT reads rows back through ClickHouse itself. */
class RowBinaryEncoderTest {
    private static byte[] encode(List<EventRow> rows) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new RowBinaryEncoder().write(rows, out);
        return out.toByteArray();
    }

    @Test
    void encodesOneRowExactly() throws Exception {
        ClickEvent e = new ClickEvent(
                new UUID(0x0102030405060708L, 0x1112131415161718L),
                EventType.PURCHASE,
                "u",
                "p",
                new BigDecimal("12.5"),
                Instant.ofEpochMilli(258),
                null,
                "é",
                "",
                null,
                null,
                "o1",
                null,
                "c");
        byte[] bytes =
                encode(List.of(new EventRow(e, "t", new UUID(0x2122232425262728L, 0x3132333435363738L), 258, 1)));
        byte[] expected = {
            8,
            7,
            6,
            5,
            4,
            3,
            2,
            1,
            0x18,
            0x17,
            0x16,
            0x15,
            0x14,
            0x13,
            0x12,
            0x11, // UUID halves, little-endian
            4, // Enum8 'purchase' = 4
            1,
            'u',
            1,
            'p', // Strings: length + bytes
            (byte) 0xE2,
            4,
            0,
            0,
            0,
            0,
            0,
            0, // Decimal(18, 2): 1250
            2,
            1,
            0,
            0,
            0,
            0,
            0,
            0, // DateTime64(3): 258 ms
            0, // session_id absent: ''
            2,
            (byte) 0xC3,
            (byte) 0xA9, // 'é' in UTF-8
            0,
            0,
            0, // device '', browser, os absent
            2,
            'o',
            '1', // order_id
            0, // brand absent
            1,
            'c', // category_id
            1,
            't', // kafka_topic
            0x28,
            0x27,
            0x26,
            0x25,
            0x24,
            0x23,
            0x22,
            0x21, // kafka_topic_id
            0x38,
            0x37,
            0x36,
            0x35,
            0x34,
            0x33,
            0x32,
            0x31,
            2,
            1, // UInt16 partition 258
            1,
            0,
            0,
            0,
            0,
            0,
            0,
            0, // UInt64 offset 1
        };
        byte[] header = encode(List.of());
        assertArrayEquals(expected, Arrays.copyOfRange(bytes, header.length, bytes.length));
    }

    @Test
    void longStringsUseMultiByteLengthsAndLargeBatchesStreamCompletely() throws Exception {
        String longId = "x".repeat(200);
        ClickEvent e =
                ClickEvent.of(UUID.randomUUID(), EventType.PAGE_VIEW, longId, "p", BigDecimal.ONE, Instant.EPOCH);
        byte[] one = encode(List.of(new EventRow(e, "t", new UUID(0, 0), 0, 0)));
        int header = encode(List.of()).length;
        assertEquals((byte) 0xC8, one[header + 17], "200 = 0xC8 0x01 as LEB128");
        assertEquals(1, one[header + 18]);
        List<EventRow> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(new EventRow(e, "t", new UUID(0, 0), 0, i));
        }
        assertEquals(header + (one.length - header) * 10_000L, encode(many).length, "flushed in pieces, nothing lost");
    }

    @Test
    void headerNamesEveryWrittenColumnWithItsType() throws Exception {
        byte[] header = encode(List.of());
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(header));
        assertEquals(EventTable.WRITTEN.size(), in.readUnsignedByte());
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 2 * EventTable.WRITTEN.size(); i++) {
            texts.add(new String(in.readNBytes(in.readUnsignedByte()), StandardCharsets.UTF_8));
        }
        assertEquals(EventTable.NAMES, texts.subList(0, EventTable.WRITTEN.size()));
        assertEquals(
                EventTable.WRITTEN.stream().map(Column::type).toList(),
                texts.subList(EventTable.WRITTEN.size(), texts.size()));
        assertEquals(0, in.available());
    }

    @Test
    void stringsAtTheirMaximumLengthFitWhateverTheBuffer() throws Exception {
        // Every text field long and non-ASCII (3 bytes per char): each write must reserve its own room.
        String long3 = "\u20ac".repeat(4_000);
        ClickEvent e = new ClickEvent(
                UUID.randomUUID(),
                EventType.PURCHASE,
                long3,
                long3,
                new BigDecimal("1.00"),
                Instant.EPOCH,
                long3,
                long3,
                long3,
                long3,
                long3,
                long3,
                long3,
                long3);
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(new EventRow(e, "t", new UUID(1, 2), 0, i));
        }
        byte[] bytes = encode(rows);
        int perRow = 16 + 1 + 10 * (12_000 + 2) + 8 + 8 + 2 + 16 + 2 + 8;
        assertEquals(encode(List.of()).length + 30L * perRow, bytes.length);
    }

    @Test
    void enumValuesMatchTheSchema() {
        assertEquals(1, EventTable.enumCode(EventType.PAGE_VIEW));
        assertEquals(2, EventTable.enumCode(EventType.ADD_TO_CART));
        assertEquals(3, EventTable.enumCode(EventType.REMOVE_FROM_CART));
        assertEquals(4, EventTable.enumCode(EventType.PURCHASE));
        assertEquals(
                "Enum8('page_view' = 1, 'add_to_cart' = 2, 'remove_from_cart' = 3, 'purchase' = 4)",
                EventTable.EVENT_TYPE);
    }
}
