package io.clickstream.producer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayRowMapperTest {
    private final ReplayRowMapper mapper = new ReplayRowMapper(new EventCodec());

    @Test
    void mapsAGoodRowOntoTheEvent() throws Exception {
        ClickEvent e = mapper.map(
                2,
                "2019-10-01 00:00:04 UTC,cart,44600062,2103807459595387724,"
                        + "electronics.smartphone,shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c");
        assertEquals(EventType.ADD_TO_CART, e.eventType());
        assertEquals(Instant.parse("2019-10-01T00:00:04Z"), e.timestamp());
        assertEquals("prod_44600062", e.productId());
        assertEquals("user_541312140", e.userId());
        assertEquals(new BigDecimal("35.79"), e.price());
        assertEquals("electronics.smartphone", e.category());
        assertEquals("72d76fde-8bb3-4e00-8c23-a032dfed738c", e.sessionId());
        assertNull(e.device());
    }

    @Test
    void mapsEveryTypeAndQuotedOrEmptyFields() throws Exception {
        assertEquals(
                EventType.PAGE_VIEW,
                mapper.map(2, "2019-10-01 00:00:00 UTC,view,1,2,,,0,3,s").eventType());
        assertEquals(
                EventType.PURCHASE,
                mapper.map(2, "2019-10-01 00:00:00 UTC,purchase,1,2,,,1,3,s").eventType());
        ClickEvent removed =
                mapper.map(2, "2019-10-01 00:00:00 UTC,remove_from_cart,1,2,\"a,b\",\"x \"\"y\"\"\",1.5,3,");
        assertEquals(EventType.REMOVE_FROM_CART, removed.eventType());
        assertEquals("a,b", removed.category(), "commas inside quotes belong to the field");
        assertNull(removed.sessionId(), "empty user_session is absent");
    }

    @Test
    void sameLineSameIdDifferentLineDifferentId() throws Exception {
        String line = "2019-10-01 00:00:00 UTC,view,1,2,,,0,3,s";
        assertEquals(mapper.map(7, line).eventId(), mapper.map(7, line).eventId());
        assertTrue(
                !mapper.map(7, line).eventId().equals(mapper.map(8, line).eventId()), "duplicate rows stay distinct");
    }

    @ParameterizedTest(name = "{1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "2019-10-01 00:00:00 UTC,view,1,2,,,12.5,3                       | expected 9 columns, got 8",
                "2019-10-01 00:00:00 UTC,view,1,2,,,12.5,3,s,extra               | expected 9 columns, got 10",
                "2019-10-01,view,1,2,,,12.5,3,s                                  | event_time: '2019-10-01' is not like 2019-10-01 00:00:04 UTC",
                "2019-13-01 00:00:00 UTC,view,1,2,,,12.5,3,s                     | event_time: '2019-13-01 00:00:00 UTC' is not like 2019-10-01 00:00:04 UTC",
                "2019-10-01 00:00:00 UTC,click,1,2,,,12.5,3,s                    | event_type: unknown value 'click'",
                "2019-10-01 00:00:00 UTC,view,1,2,,,twelve,3,s                   | price: 'twelve' is not a number",
                "2019-10-01 00:00:00 UTC,view,1,2,,,,3,s                         | price: '' is not a number",
                "2019-10-01 00:00:00 UTC,view,1,2,,,-1,3,s                       | price: must be >= 0, got -1",
                "2019-10-01 00:00:00 UTC,view,1,2,,,1.999,3,s                    | price: has more than 2 decimal places: 1.999",
                "2019-10-01 00:00:00 UTC,view,,2,,,1,3,s                         | product_id: empty",
                "2019-10-01 00:00:00 UTC,view,1,2,,,1,,s                         | user_id: empty",
                "1999-10-01 00:00:00 UTC,view,1,2,,,1,3,s                        | timestamp: before 2000-01-01T00:00:00Z: 1999-10-01T00:00:00.000Z",
                "2019-10-01 00:00:00 UTC,view,\"1,2,,,1,3,s                      | unterminated quote",
                "2019-10-01 00:00:00 UTC,view,\"1\"x,2,,,1,3,s                   | text after a closing quote",
                "2019-10-01 00:00:00 UTC,view,1\"1,2,,,1,3,s                     | quote inside unquoted field 3",
            })
    void rejectsMalformedRowsWithTheReason(String line, String reason) {
        RowRejectedException e = assertThrows(RowRejectedException.class, () -> mapper.map(2, line.strip()));
        assertEquals(reason, e.getMessage());
    }
}
