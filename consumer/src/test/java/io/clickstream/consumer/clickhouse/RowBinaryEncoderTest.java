package io.clickstream.consumer.clickhouse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.clickstream.consumer.processing.EventRow;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventType;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
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
        ClickEvent e = new ClickEvent(new UUID(0x0102030405060708L, 0x1112131415161718L), EventType.PURCHASE, "u", "p",
                new BigDecimal("12.5"), Instant.ofEpochMilli(258), null, "é", "", null, null);
        byte[] bytes = encode(List.of(new EventRow(e, "t", 258, 1)));
        byte[] expected = {
            8, 7, 6, 5, 4, 3, 2, 1, 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,  // UUID halves, little-endian
            4,                                                                       // Enum8 'purchase' = 4
            1, 'u', 1, 'p',                                                          // Strings: length + bytes
            (byte) 0xE2, 4, 0, 0, 0, 0, 0, 0,                                        // Decimal(18, 2): 1250
            2, 1, 0, 0, 0, 0, 0, 0,                                                  // DateTime64(3): 258 ms
            0,                                                                       // session_id absent: ''
            2, (byte) 0xC3, (byte) 0xA9,                                             // 'é' in UTF-8
            0, 0, 0,                                                                 // device '', browser, os absent
            1, 't',                                                                  // kafka_topic
            2, 1,                                                                    // UInt16 partition 258
            1, 0, 0, 0, 0, 0, 0, 0,                                                  // UInt64 offset 1
        };
        assertArrayEquals(expected, bytes);
    }

    @Test
    void longStringsUseMultiByteLengthsAndLargeBatchesStreamCompletely() throws Exception {
        String longId = "x".repeat(200);
        ClickEvent e = ClickEvent.of(UUID.randomUUID(), EventType.PAGE_VIEW, longId, "p", BigDecimal.ONE, Instant.EPOCH);
        byte[] one = encode(List.of(new EventRow(e, "t", 0, 0)));
        assertEquals((byte) 0xC8, one[17], "200 = 0xC8 0x01 as LEB128");
        assertEquals(1, one[18]);
        List<EventRow> many = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            many.add(new EventRow(e, "t", 0, i));
        }
        assertEquals(one.length * 10_000L, encode(many).length, "flushed in pieces, nothing lost");
    }

    @Test
    void enumValuesMatchTheSchema() {
        assertEquals(1, RowBinaryEncoder.enumValue(EventType.PAGE_VIEW));
        assertEquals(2, RowBinaryEncoder.enumValue(EventType.ADD_TO_CART));
        assertEquals(3, RowBinaryEncoder.enumValue(EventType.REMOVE_FROM_CART));
        assertEquals(4, RowBinaryEncoder.enumValue(EventType.PURCHASE));
    }
}
