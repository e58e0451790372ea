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
import java.util.List;
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
                "2019-10-01,view,1,2,,,12.5,3,s                                  | event_time: '2019-10-01' is not a time in the format yyyy-MM-dd HH:mm:ss 'UTC'",
                "2019-13-01 00:00:00 UTC,view,1,2,,,12.5,3,s                     | event_time: '2019-13-01 00:00:00 UTC' is not a time in the format yyyy-MM-dd HH:mm:ss 'UTC'",
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

    @Test
    void kaggleKeepsBrandAndCategoryIdAndHasNoOrder() throws Exception {
        ClickEvent e = mapper.map(
                2, "2019-10-01 00:00:04 UTC,purchase,44600062,2103807459595387724,,shiseido,35.79,541312140,s");
        assertEquals("shiseido", e.brand());
        assertEquals("2103807459595387724", e.categoryId());
        assertNull(e.category(), "no category_code: absent, shown as (none)");
        assertNull(e.orderId(), "the layout has no order id");
    }

    @Test
    void retailRocketRowsBecomeEventsWithTheirOrder() throws Exception {
        ReplayRowMapper rr = new ReplayRowMapper(
                new EventCodec(),
                ReplayMapping.builtIn("retailrocket"),
                List.of(
                        "timestamp",
                        "visitor_id",
                        "event_type",
                        "item_id",
                        "transaction_id",
                        "device",
                        "browser",
                        "os"));
        ClickEvent view = rr.map(2, "1433221332117,257597,view,355908,,mobile,Chrome,Android");
        assertEquals(EventType.PAGE_VIEW, view.eventType());
        assertEquals(Instant.ofEpochMilli(1433221332117L), view.timestamp());
        assertEquals("user_257597", view.userId());
        assertEquals("prod_355908", view.productId());
        assertEquals(0, BigDecimal.ZERO.compareTo(view.price()), "the layout has no price");
        assertEquals("mobile", view.device());
        assertEquals("Chrome", view.browser());
        assertEquals("Android", view.os());
        assertNull(view.orderId());
        assertEquals(
                EventType.ADD_TO_CART,
                rr.map(3, "1433221332117,1,addtocart,2,,desktop,Firefox,Linux").eventType());
        ClickEvent bought = rr.map(4, "1433221955914,599528,transaction,356475,4000,desktop,Safari,macOS");
        assertEquals(EventType.PURCHASE, bought.eventType());
        assertEquals("4000", bought.orderId());
        RowRejectedException e =
                assertThrows(RowRejectedException.class, () -> rr.map(5, "yesterday,1,view,2,,desktop,Firefox,Linux"));
        assertEquals("timestamp: 'yesterday' is not a time in the format epoch_millis", e.getMessage());
        assertEquals(
                "event_type: unknown value 'click'",
                assertThrows(RowRejectedException.class, () -> rr.map(6, "1433221332117,1,click,2,,d,b,o"))
                        .getMessage());
    }

    @Test
    void aMappingFileNamesWhatIsWrong() {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("timestamp", "ts");
        p.setProperty("event_type", "kind");
        p.setProperty("user_id", "who");
        assertEquals(
                "f: no column for product_id",
                assertThrows(IllegalArgumentException.class, () -> ReplayMapping.parse("f", p))
                        .getMessage());
        p.setProperty("product_id", "what");
        p.setProperty("event.seen", "page_view");
        assertEquals(
                "f: no timestamp.format (a pattern such as yyyy-MM-dd HH:mm:ss, epoch_millis, epoch_seconds or iso)",
                assertThrows(IllegalArgumentException.class, () -> ReplayMapping.parse("f", p))
                        .getMessage());
        p.setProperty("timestamp.format", "iso");
        p.setProperty("timestamp.zone", "Mars/Olympus");
        assertEquals(
                "f: timestamp.zone 'Mars/Olympus' is not a time zone",
                assertThrows(IllegalArgumentException.class, () -> ReplayMapping.parse("f", p))
                        .getMessage());
        p.setProperty("timestamp.zone", "Europe/Berlin");
        p.setProperty("event.bought", "checkout");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReplayMapping.parse("f", p))
                .getMessage()
                .startsWith("f: event.bought = checkout: not an event type"));
        p.setProperty("event.bought", "purchase");
        p.setProperty("colour", "c");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ReplayMapping.parse("f", p))
                .getMessage()
                .startsWith("f: unknown key 'colour'"));
    }

    @Test
    void aMappingFileReadsIsoTimesInItsZone() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("timestamp", "ts");
        p.setProperty("event_type", "kind");
        p.setProperty("user_id", "who");
        p.setProperty("product_id", "what");
        p.setProperty("price", "amount");
        p.setProperty("event.seen", "page_view");
        p.setProperty("timestamp.format", "iso");
        p.setProperty("timestamp.zone", "Europe/Berlin");
        ReplayRowMapper custom = new ReplayRowMapper(
                new EventCodec(), ReplayMapping.parse("f", p), List.of("kind", "ts", "who", "what", "amount"));
        assertEquals(
                Instant.parse("2019-10-01T08:00:00Z"),
                custom.map(2, "seen,2019-10-01T10:00:00,a,b,1.5").timestamp(),
                "no offset: Berlin summer time");
        assertEquals(
                Instant.parse("2019-10-01T10:00:00Z"),
                custom.map(3, "seen,2019-10-01T10:00:00Z,a,b,1.5").timestamp(),
                "an offset wins");
    }

    @Test
    void aMappingFileMapsWhereEventsCameFromKeepingHostAndPathOnly() throws Exception {
        java.util.Properties p = new java.util.Properties();
        p.setProperty("timestamp", "ts");
        p.setProperty("event_type", "kind");
        p.setProperty("user_id", "who");
        p.setProperty("product_id", "what");
        p.setProperty("event.seen", "page_view");
        p.setProperty("timestamp.format", "iso");
        p.setProperty("page", "url");
        p.setProperty("referrer", "ref");
        p.setProperty("utm_source", "src");
        p.setProperty("utm_medium", "med");
        p.setProperty("channel", "chan");
        p.setProperty("country", "cc");
        p.setProperty("customer_id", "cust");
        ReplayRowMapper mapper = new ReplayRowMapper(
                new EventCodec(),
                ReplayMapping.parse("f", p),
                List.of("ts", "kind", "who", "what", "url", "ref", "src", "med", "chan", "cc", "cust"));
        ClickEvent e = mapper.map(
                2,
                "2019-10-01T10:00:00Z,seen,a,b,https://shop.example.com/p/1?email=a@b.c,"
                        + "https://www.google.com/search?q=x,newsletter,email,email,DE,c-7");
        assertEquals("shop.example.com/p/1", e.traffic().page(), "the query string is not kept");
        assertEquals("www.google.com/search", e.traffic().referrer());
        assertEquals("newsletter", e.traffic().utmSource());
        assertEquals("email", e.traffic().channel());
        assertEquals("DE", e.traffic().country());
        assertEquals("c-7", e.customerId());
        RowRejectedException bad = assertThrows(
                RowRejectedException.class, () -> mapper.map(3, "2019-10-01T10:00:00Z,seen,a,b,,,,,tv,DE,"));
        assertTrue(bad.getMessage().startsWith("channel: unknown channel 'tv'"), bad.getMessage());
        assertEquals(
                io.clickstream.model.Traffic.NONE,
                new ReplayRowMapper(new EventCodec())
                        .map(
                                2,
                                "2019-10-01 00:00:04 UTC,view,44600062,2103807459595387724,,"
                                        + "shiseido,35.79,541312140,72d76fde-8bb3-4e00-8c23-a032dfed738c")
                        .traffic(),
                "a layout without them stores none");
    }
}
