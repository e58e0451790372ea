package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventProperties;
import io.clickstream.model.EventType;
import io.clickstream.model.Traffic;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
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
            0,
            0,
            0,
            0, // page, page_title, referrer, page_view_id: ''
            0,
            0,
            0,
            0,
            0, // utm_source .. utm_content: ''
            0, // paid_click: false
            0, // channel ''
            0, // is_bot: false
            0, // country ''
            0, // customer_id ''
            0, // properties: an empty Map
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
    void encodesTrafficCustomerAndPropertiesExactly() throws Exception {
        ClickEvent plain = ClickEvent.of(new UUID(0, 0), EventType.PAGE_VIEW, "u", "p", BigDecimal.ZERO, Instant.EPOCH);
        Traffic traffic = new Traffic("a/b", null, "r/", null, "s", null, null, null, null, true, "email", true, "DE");
        ClickEvent e = plain.with(traffic, "c", EventProperties.of(Map.of("y", true, "x", new BigDecimal("1.50"))));
        byte[] withTraffic = encode(List.of(new EventRow(e, "t", new UUID(0, 0), 0, 0)));
        byte[] without = encode(List.of(new EventRow(plain, "t", new UUID(0, 0), 0, 0)));
        int at = encode(List.of()).length + 16 + 1 + 2 + 2 + 8 + 8 + 8; // past category_id
        byte[] expected = {
            3,
            'a',
            '/',
            'b', // page
            0, // page_title
            2,
            'r',
            '/', // referrer
            0, // page_view_id
            1,
            's', // utm_source
            0,
            0,
            0,
            0, // utm_medium .. utm_content
            1, // paid_click
            5,
            'e',
            'm',
            'a',
            'i',
            'l', // channel
            1, // is_bot
            2,
            'D',
            'E', // country
            1,
            'c', // customer_id
            2,
            1,
            'x',
            4,
            '1',
            '.',
            '5',
            '0',
            1,
            'y',
            4,
            't',
            'r',
            'u',
            'e' // properties, sorted by name, as text
        };
        assertArrayEquals(expected, Arrays.copyOfRange(withTraffic, at, at + expected.length));
        assertEquals(without.length + expected.length - 15, withTraffic.length, "15 bytes when none is known");
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
        String long256 = "\u20ac".repeat(EventProperties.MAX_VALUE_LENGTH);
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
                long3,
                new Traffic(long3, long3, long3, long3, long3, long3, long3, long3, long3, true, long3, true, long3),
                long3,
                EventProperties.of(Map.of("k0", long256, "k1", long256, "k2", long256, "k3", long256, "k4", long256)));
        List<EventRow> rows = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            rows.add(new EventRow(e, "t", new UUID(1, 2), 0, i));
        }
        byte[] bytes = encode(rows);
        int properties = 1 + 5 * (1 + 2 + 2 + 768); // count; each: key length, key, value length (2 bytes), value
        int perRow = 16 + 1 + 22 * (12_000 + 2) + 8 + 8 + 2 + properties + 2 + 16 + 2 + 8;
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
