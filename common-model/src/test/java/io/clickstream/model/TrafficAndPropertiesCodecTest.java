package io.clickstream.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The event's traffic, customer and custom properties on the wire: round trips, and every limit named. */
class TrafficAndPropertiesCodecTest {
    private static final Instant NOW = Instant.parse("2026-11-25T12:00:00Z");
    private static final EventCodec CODEC = new EventCodec(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final String BASE =
            "{\"event_id\":\"3f1c1f0e-6a43-4a8e-9d52-0c5b0f6e8a11\",\"event_type\":\"page_view\","
                    + "\"user_id\":\"u1\",\"product_id\":\"p1\",\"price\":0,\"timestamp\":\"2026-11-25T11:59:59.123Z\"";

    private static byte[] event(String extra) {
        return (BASE + "," + extra + "}").getBytes(StandardCharsets.UTF_8);
    }

    static ClickEvent full() throws InvalidEventException {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("coupon", "WINTER");
        properties.put("size", new BigDecimal("42"));
        properties.put("weight", new BigDecimal("1.50"));
        properties.put("gift", true);
        Traffic traffic = new Traffic(
                "shop.example.com/products/42",
                "Red shoes – Example Shop",
                "www.google.com/",
                "9d2c4a1e-6c1b-4f9f-8a55-0d3e2f1a7b6c",
                "newsletter",
                "email",
                "winter-sale",
                "shoes",
                "banner-2",
                true,
                "email",
                false,
                "DE");
        return ClickEvent.of(
                        UUID.randomUUID(),
                        EventType.ADD_TO_CART,
                        "anon-7f3a",
                        "prod_42",
                        new BigDecimal("59.90"),
                        Instant.parse("2026-11-25T11:00:00.007Z"))
                .with(traffic, "customer-1001", EventProperties.of(properties));
    }

    @Test
    void trafficCustomerAndPropertiesRoundTrip() throws Exception {
        ClickEvent event = full();
        byte[] json = CODEC.encode(event);
        assertEquals(event, CODEC.decode(json));
        assertArrayEquals(json, CODEC.encode(CODEC.decode(json)));
        CODEC.validate(event);
        assertEquals(
                Map.of("coupon", "WINTER", "gift", "true", "size", "42", "weight", "1.50"),
                event.properties().asText(),
                "stored as text, a number as written");
    }

    @Test
    void theWireFormatIsFlat() throws Exception {
        String json = new String(CODEC.encode(full()), StandardCharsets.UTF_8);
        assertTrue(
                json.contains("\"page\":\"shop.example.com/products/42\",\"page_title\":\"Red shoes – Example Shop\","
                        + "\"referrer\":\"www.google.com/\",\"page_view_id\":\"9d2c4a1e-6c1b-4f9f-8a55-0d3e2f1a7b6c\","
                        + "\"utm_source\":\"newsletter\",\"utm_medium\":\"email\",\"utm_campaign\":\"winter-sale\","
                        + "\"utm_term\":\"shoes\",\"utm_content\":\"banner-2\",\"paid_click\":true,\"channel\":\"email\","
                        + "\"country\":\"DE\",\"customer_id\":\"customer-1001\","
                        + "\"properties\":{\"coupon\":\"WINTER\",\"gift\":true,\"size\":42,\"weight\":1.50}}"),
                json);
    }

    @Test
    void anEventWithoutThemIsUnchangedOnTheWire() throws Exception {
        ClickEvent plain = ClickEvent.of(
                UUID.randomUUID(), EventType.PURCHASE, "u", "p", BigDecimal.ONE, Instant.parse("2026-11-25T11:00:00Z"));
        String json = new String(CODEC.encode(plain), StandardCharsets.UTF_8);
        assertTrue(!json.contains("page") && !json.contains("properties") && !json.contains("is_bot"), json);
        ClickEvent decoded =
                CODEC.decode(event("\"page\":null,\"is_bot\":false,\"properties\":null,\"utm_source\":\"\""));
        assertEquals(Traffic.NONE, decoded.traffic());
        assertTrue(decoded.properties().isEmpty());
    }

    static Stream<Arguments> badInputs() {
        StringBuilder manyProperties = new StringBuilder("\"properties\":{");
        for (int i = 0; i <= EventProperties.MAX_COUNT; i++) {
            manyProperties.append(i == 0 ? "" : ",").append("\"p").append(i).append("\":1");
        }
        manyProperties.append('}');
        StringBuilder heavyProperties = new StringBuilder("\"properties\":{");
        for (int i = 0; i < 17; i++) {
            heavyProperties
                    .append(i == 0 ? "" : ",")
                    .append("\"p")
                    .append(i)
                    .append("\":\"")
                    .append("v".repeat(250))
                    .append('"');
        }
        heavyProperties.append('}');
        return Stream.of(
                bad(
                        "a page with a query string",
                        "\"page\":\"shop.example.com/cart?email=a@b.c\"",
                        "page",
                        "must be a host and a path, without a scheme, a query string or a fragment"),
                bad(
                        "a page with a scheme",
                        "\"page\":\"https://shop.example.com/\"",
                        "page",
                        "must be a host and a path, without a scheme, a query string or a fragment"),
                bad(
                        "a referrer with a fragment",
                        "\"referrer\":\"example.com/a#top\"",
                        "referrer",
                        "must be a host and a path, without a scheme, a query string or a fragment"),
                bad(
                        "a page of 10 KB",
                        "\"page\":\"example.com/" + "a".repeat(10_000) + "\"",
                        "page",
                        "longer than 1024 characters (10012)"),
                bad(
                        "a title of 10 KB",
                        "\"page_title\":\"" + "t".repeat(10_000) + "\"",
                        "page_title",
                        "longer than 256 characters (10000)"),
                bad(
                        "a page with a space",
                        "\"page\":\"example.com/a b\"",
                        "page",
                        "contains a space or a control character at position 13"),
                bad(
                        "an unknown channel",
                        "\"channel\":\"tv\"",
                        "channel",
                        "unknown channel 'tv' (expected one of direct, organic_search, paid_search, organic_social,"
                                + " paid_social, email, referral, internal, paid_other)"),
                bad(
                        "a country name",
                        "\"country\":\"Germany\"",
                        "country",
                        "must be an ISO 3166-1 alpha-2 code (two capital letters), got 'Germany'"),
                bad("is_bot as text", "\"is_bot\":\"yes\"", "is_bot", "must be true, false or null, got a string"),
                bad("a blank customer id", "\"customer_id\":\" \"", "customer_id", "must not be blank"),
                bad(
                        "properties as an array",
                        "\"properties\":[1]",
                        "properties",
                        "must be an object or null, got an array"),
                bad(
                        "a nested property",
                        "\"properties\":{\"size\":{\"eu\":42}}",
                        "properties.size",
                        "must be a string, a number or a boolean, got an object"),
                bad(
                        "a property that is null",
                        "\"properties\":{\"size\":null}",
                        "properties.size",
                        "must be a string, a number or a boolean, got null"),
                bad("too many properties", manyProperties.toString(), "properties", "more than 20 properties"),
                bad(
                        "a property name of 65 characters",
                        "\"properties\":{\"" + "n".repeat(65) + "\":1}",
                        "properties",
                        "a property name must have 1 to 64 characters, got 65 ('nnnnnnnnnnnnnnnnnnnn…')"),
                bad(
                        "an empty property name",
                        "\"properties\":{\"\":1}",
                        "properties",
                        "a property name must have 1 to 64 characters, got 0 ('')"),
                bad(
                        "a property value of 257 characters",
                        "\"properties\":{\"note\":\"" + "v".repeat(257) + "\"}",
                        "properties.note",
                        "longer than 256 characters (257)"),
                bad(
                        "properties over 4 KiB",
                        heavyProperties.toString(),
                        "properties",
                        "more than 4096 bytes of names and values (4291 so far)"),
                bad("a duplicate property", "\"properties\":{\"a\":1,\"a\":2}", "properties", "duplicate property 'a'"),
                bad(
                        "a duplicate traffic field",
                        "\"page\":\"a.b/\",\"page\":\"a.b/c\"",
                        null,
                        "duplicate field 'page'"));
    }

    private static Arguments bad(String name, String extra, String field, String reason) {
        return Arguments.of(name, event(extra), field, reason);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badInputs")
    void rejectsEachLimitNamingItsField(String name, byte[] payload, String field, String reason) {
        InvalidEventException e = assertThrows(InvalidEventException.class, () -> CODEC.decode(payload));
        assertEquals(reason, e.reason(), name);
        assertEquals(field, e.field(), name);
    }

    @Test
    void validateHoldsEventsBuiltInMemoryToTheSameRules() throws Exception {
        ClickEvent event = full();
        Traffic withQuery = new Traffic(
                "shop.example.com/cart?email=a@b.c",
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                null,
                false,
                null,
                false,
                null);
        InvalidEventException e = assertThrows(
                InvalidEventException.class, () -> CODEC.validate(event.with(withQuery, null, EventProperties.NONE)));
        assertEquals("page", e.field());
        assertEquals(
                "properties.x",
                assertThrows(InvalidEventException.class, () -> EventProperties.of(Map.of("x", new Object())))
                        .field());
    }
}
