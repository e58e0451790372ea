package io.clickstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventCodecTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final EventCodec CODEC = new EventCodec(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String ID = "3f1c1f0e-6a43-4a8e-9d52-0c5b0f6e8a11";

    /** A valid event with one field replaced by raw JSON ({@code null} = field removed). */
    private static String with(String field, String rawJson) {
        String[][] fields = {
            {"event_id", "\"" + ID + "\""},
            {"event_type", "\"purchase\""},
            {"user_id", "\"user_0042\""},
            {"product_id", "\"prod_123\""},
            {"price", "19.99"},
            {"timestamp", "\"2026-11-25T11:59:59.123Z\""},
        };
        StringBuilder json = new StringBuilder("{");
        for (String[] f : fields) {
            String value = f[0].equals(field) ? rawJson : f[1];
            if (value == null) {
                continue;
            }
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(f[0]).append("\":").append(value);
        }
        if (field != null && Stream.of(fields).noneMatch(f -> f[0].equals(field)) && rawJson != null) {
            json.append(",\"").append(field).append("\":").append(rawJson);
        }
        return json.append('}').toString();
    }

    static Stream<Arguments> badInputs() {
        String longText = "\"" + "x".repeat(300) + "\"";
        byte[] latin1 = with("user_id", "\"jos\u00e9\"").getBytes(StandardCharsets.ISO_8859_1);
        byte[] huge =
                ("{\"pad\":\"" + "a".repeat(EventCodec.MAX_PAYLOAD_BYTES) + "\"}").getBytes(StandardCharsets.UTF_8);
        return Stream.of(
                bad("empty bytes", new byte[0], null, "empty payload"),
                bad("truncated JSON", with(null, null).substring(0, 40), null, "truncated JSON"),
                bad(
                        "not JSON at all",
                        "hello",
                        null,
                        "malformed JSON: Unrecognized token 'hello': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"),
                bad("JSON array", "[1,2]", null, "payload is not a JSON object"),
                bad("JSON string", "\"event\"", null, "payload is not a JSON object"),
                bad("JSON null", "null", null, "payload is not a JSON object"),
                bad("empty object", "{}", "event_id", "missing required field"),
                bad("two objects", with(null, null) + "{}", null, "unexpected data after the JSON object"),
                bad("non-UTF-8 bytes", latin1, null, "payload is not valid UTF-8"),
                bad(
                        "oversized payload",
                        huge,
                        null,
                        "payload of " + huge.length + " bytes exceeds the limit of 16384 bytes"),
                bad("missing event_type", with("event_type", null), "event_type", "missing required field"),
                bad("missing price", with("price", null), "price", "missing required field"),
                bad("missing timestamp", with("timestamp", null), "timestamp", "missing required field"),
                bad("null user_id", with("user_id", "null"), "user_id", "must not be null"),
                bad("numeric user_id", with("user_id", "42"), "user_id", "must be a string, got a number"),
                bad(
                        "object product_id",
                        with("product_id", "{\"id\":1}"),
                        "product_id",
                        "must be a string, got an object"),
                bad("blank user_id", with("user_id", "\"  \""), "user_id", "must not be blank"),
                bad(
                        "control char in product_id",
                        with("product_id", "\"prod\\u0000\""),
                        "product_id",
                        "contains a control character at position 4"),
                bad("huge user_id", with("user_id", longText), "user_id", "longer than 256 characters (300)"),
                bad(
                        "unknown event type",
                        with("event_type", "\"checkout\""),
                        "event_type",
                        "unknown event type 'checkout' (expected page_view, add_to_cart, remove_from_cart or purchase)"),
                bad(
                        "event type in wrong case",
                        with("event_type", "\"PURCHASE\""),
                        "event_type",
                        "unknown event type 'PURCHASE' (expected page_view, add_to_cart, remove_from_cart or purchase)"),
                bad("bad UUID", with("event_id", "\"not-a-uuid\""), "event_id", "not a UUID: 'not-a-uuid'"),
                bad("short UUID form", with("event_id", "\"1-1-1-1-1\""), "event_id", "not a UUID: '1-1-1-1-1'"),
                bad("negative price", with("price", "-1.5"), "price", "must be >= 0, got -1.5"),
                bad("price as string", with("price", "\"19.99\""), "price", "must be a number, got a string"),
                bad("price as boolean", with("price", "true"), "price", "must be a number, got a boolean"),
                bad("null price", with("price", "null"), "price", "must not be null"),
                bad("price with 3 decimals", with("price", "1.005"), "price", "has more than 2 decimal places: 1.005"),
                bad("absurd price", with("price", "1e12"), "price", "exceeds the maximum of 1000000000"),
                bad(
                        "unparseable timestamp",
                        with("timestamp", "\"yesterday\""),
                        "timestamp",
                        "not an ISO-8601 date-time with offset: 'yesterday'"),
                bad(
                        "timestamp without zone",
                        with("timestamp", "\"2026-11-25T11:59:59.123\""),
                        "timestamp",
                        "not an ISO-8601 date-time with offset: '2026-11-25T11:59:59.123'"),
                bad(
                        "epoch-zero timestamp",
                        with("timestamp", "\"1970-01-01T00:00:00Z\""),
                        "timestamp",
                        "before 2000-01-01T00:00:00Z: 1970-01-01T00:00:00Z"),
                bad(
                        "far-future timestamp",
                        with("timestamp", "\"2030-01-01T00:00:00Z\""),
                        "timestamp",
                        "more than 24 hours in the future: 2030-01-01T00:00:00Z"),
                bad(
                        "numeric timestamp",
                        with("timestamp", "1764072000000"),
                        "timestamp",
                        "must be a string, got a number"),
                bad("duplicate field", with("user_id", "\"a\",\"user_id\":\"b\""), null, "duplicate field 'user_id'"),
                bad("numeric optional field", with("device", "7"), "device", "must be a string or null, got a number"));
    }

    private static Arguments bad(String name, Object payload, String field, String reason) {
        byte[] bytes = payload instanceof byte[] b ? b : ((String) payload).getBytes(StandardCharsets.UTF_8);
        return Arguments.of(name, bytes, field, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void rejectsBadInputNamingFieldAndReason(String name, byte[] payload, String field, String reason) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> CODEC.decode(payload));
        assertEquals(reason, e.reason(), name);
        assertEquals(field, e.field(), name);
        assertEquals(field == null ? reason : field + ": " + reason, e.getMessage());
    }

    @Test
    void classifiesEachRejectionForCountingByKind() {
        assertEquals(InvalidEventException.Kind.MALFORMED, kindOf(utf8("{\"user_id\":")));
        assertEquals(InvalidEventException.Kind.MALFORMED, kindOf(utf8("[1]")));
        assertEquals(
                InvalidEventException.Kind.TOO_LARGE,
                kindOf(("{\"pad\":\"" + "a".repeat(EventCodec.MAX_PAYLOAD_BYTES) + "\"}")
                        .getBytes(StandardCharsets.UTF_8)));
        assertEquals(InvalidEventException.Kind.MISSING_FIELD, kindOf(utf8(with("price", null))));
        assertEquals(InvalidEventException.Kind.MISSING_FIELD, kindOf(utf8(with("user_id", "null"))));
        assertEquals(InvalidEventException.Kind.INVALID_VALUE, kindOf(utf8(with("price", "-1"))));
        assertEquals(InvalidEventException.Kind.INVALID_VALUE, kindOf(utf8(with("event_id", "\"nope\""))));
    }

    private static byte[] utf8(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }

    private static InvalidEventException.Kind kindOf(byte[] payload) {
        return assertThrows(InvalidEventException.class, () -> CODEC.decode(payload))
                .kind();
    }

    @Test
    void corpusIsLargeEnough() {
        assertEquals(true, badInputs().count() >= 20);
    }

    @Test
    void roundTripsEventWithEnrichment() throws Exception {
        ClickEvent event = new ClickEvent(
                UUID.randomUUID(),
                EventType.ADD_TO_CART,
                "user_0042",
                "prod_123",
                new BigDecimal("1299.90"),
                Instant.parse("2026-11-25T11:00:00.007Z"),
                "sess_1",
                "electronics.smartphone",
                "mobile",
                "Safari",
                "iOS",
                null,
                null,
                null);
        byte[] json = CODEC.encode(event);
        assertEquals(event, CODEC.decode(json));
        assertArrayEquals(json, CODEC.encode(CODEC.decode(json)));
    }

    @Test
    void roundTripsEveryTypeWithoutEnrichment() throws Exception {
        for (EventType type : EventType.values()) {
            ClickEvent event = ClickEvent.of(
                    UUID.randomUUID(),
                    type,
                    "user_1",
                    "prod_1",
                    BigDecimal.ZERO,
                    Instant.parse("2019-10-01T00:00:04Z"));
            assertEquals(event, CODEC.decode(CODEC.encode(event)));
        }
    }

    @Test
    void encodesTheDocumentedWireFormat() {
        ClickEvent event = ClickEvent.of(
                UUID.fromString(ID),
                EventType.PURCHASE,
                "user_0042",
                "prod_123",
                new BigDecimal("19.90"),
                Instant.parse("2026-11-25T11:59:59Z"));
        assertEquals(
                "{\"event_id\":\"" + ID + "\",\"event_type\":\"purchase\",\"user_id\":\"user_0042\","
                        + "\"product_id\":\"prod_123\",\"price\":19.90,\"timestamp\":\"2026-11-25T11:59:59.000Z\"}",
                new String(CODEC.encode(event), StandardCharsets.UTF_8));
    }

    @Test
    void ignoresUnknownFieldsAndAcceptsOffsetsAndNullEnrichment() throws Exception {
        String json = with("extra", "{\"nested\":[1,2,{\"a\":null}]}")
                .replace("2026-11-25T11:59:59.123Z", "2026-11-25T12:59:59.123+01:00")
                .replace("}", ",\"browser\":null,\"os\":\"\"}");
        ClickEvent event = CODEC.decode(json.substring(0, json.length()).getBytes(StandardCharsets.UTF_8));
        assertEquals(Instant.parse("2026-11-25T11:59:59.123Z"), event.timestamp());
        assertEquals(new BigDecimal("19.99"), event.price());
        assertNull(event.browser());
        assertNull(event.os(), "empty enrichment is stored as absent");
    }

    @Test
    void canonicalTimestampFastPathAgreesWithTheFormatter() {
        Random random = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            Instant t =
                    Instant.ofEpochMilli(946_684_800_000L + (random.nextLong() & Long.MAX_VALUE) % 4_102_444_800_000L);
            String text = EventCodec.TIMESTAMP_FORMAT.format(t);
            assertEquals(t, EventCodec.EventFields.canonicalTimestamp(text), text);
        }
        assertNull(
                EventCodec.EventFields.canonicalTimestamp("2026-02-30T00:00:00.000Z"),
                "impossible date: formatter decides");
        assertNull(EventCodec.EventFields.canonicalTimestamp("2026-11-25T11:59:59.123+01:00"));
        assertNull(EventCodec.EventFields.canonicalTimestamp("2026-11-25T24:00:00.000Z"));
    }

    @Test
    void duplicateOfAnUnknownFieldIsIgnoredLikeTheField() throws Exception {
        String json = with("extra", "1").replace("}", ",\"extra\":2}");
        assertEquals(
                "user_0042", CODEC.decode(json.getBytes(StandardCharsets.UTF_8)).userId());
    }

    @Test
    void truncatesSubMillisecondPrecision() throws Exception {
        ClickEvent event = CODEC.decode(
                with("timestamp", "\"2026-11-25T11:59:59.123456789Z\"").getBytes(StandardCharsets.UTF_8));
        assertEquals(Instant.parse("2026-11-25T11:59:59.123Z"), event.timestamp());
    }

    @Test
    void anOrderIdBrandAndCategoryIdTravelAndOnlyAPurchaseHasAnOrder() throws Exception {
        String purchase = "{\"event_id\":\"3f1c1f0e-6a43-4a8e-9d52-0c5b0f6e8a11\",\"event_type\":\"purchase\","
                + "\"user_id\":\"u\",\"product_id\":\"p\",\"price\":1,\"timestamp\":\"2026-11-25T11:59:59.123Z\","
                + "\"order_id\":\"A-1001\",\"brand\":\"acme\",\"category_id\":\"2053013552326770905\"}";
        ClickEvent event = CODEC.decode(purchase.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("A-1001", event.orderId());
        assertEquals("acme", event.brand());
        assertEquals("2053013552326770905", event.categoryId());
        assertEquals(event, CODEC.decode(CODEC.encode(event)));

        InvalidEventException onAView = assertThrows(
                InvalidEventException.class,
                () -> CODEC.decode(purchase.replace("\"purchase\"", "\"page_view\"")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertEquals("order_id", onAView.field());
        assertEquals("only a purchase belongs to an order, not a page_view", onAView.reason());
        ClickEvent cartWithAnOrder = new ClickEvent(
                event.eventId(),
                EventType.ADD_TO_CART,
                event.userId(),
                event.productId(),
                event.price(),
                event.timestamp(),
                null,
                null,
                null,
                null,
                null,
                "A-1001",
                null,
                null);
        assertThrows(InvalidEventException.class, () -> CODEC.validate(cartWithAnOrder), "a producer is held alike");
    }
}
