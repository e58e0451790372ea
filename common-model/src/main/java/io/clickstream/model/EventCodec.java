package io.clickstream.model;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import java.io.CharConversionException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.UUID;

/**
 * JSON bytes &harr; {@link ClickEvent}, with strict validation.
 *
 * <p>Uses Jackson's streaming parser (no tree, no reflection): it is on the consumer's hot
 * path. Decoding never throws anything but {@link InvalidEventException}; its field and reason
 * say exactly what is wrong. Unknown fields are skipped. Thread-safe.
 */
public final class EventCodec {
    /** Payloads above this size are rejected before parsing (a click event is ~300 bytes). */
    public static final int MAX_PAYLOAD_BYTES = 16 * 1024;
    /** Identifiers and enrichment strings above this length are rejected. */
    public static final int MAX_TEXT_LENGTH = 256;
    /** Price decimals kept by the schema (Decimal(18, 2)); more is an error, not a rounding. */
    public static final int PRICE_SCALE = 2;
    /** Prices above this are treated as corrupt data. */
    public static final BigDecimal MAX_PRICE = new BigDecimal("1000000000");
    /** Events before this instant are absurd for this product (also catches epoch-0 defaults). */
    public static final Instant EARLIEST_TIMESTAMP = Instant.parse("2000-01-01T00:00:00Z");
    /** Allowed clock skew of a producer ahead of us. */
    public static final Duration MAX_FUTURE_SKEW = Duration.ofDays(1);

    static final DateTimeFormatter TIMESTAMP_FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    // Duplicate known fields are detected by EventFields (a bit per field), cheaper than Jackson's
    // STRICT_DUPLICATE_DETECTION hash set per object; duplicates of unknown fields are ignored with them.
    private static final JsonFactory JSON = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder()
                    .maxNestingDepth(32)
                    .maxNumberLength(64)
                    .maxStringLength(MAX_PAYLOAD_BYTES)
                    .build())
            .build();

    private final Clock clock;

    public EventCodec() {
        this(Clock.systemUTC());
    }

    /** @param clock decides what "in the future" means for timestamp validation */
    public EventCodec(Clock clock) {
        this.clock = clock;
    }

    /** Encodes an event as compact UTF-8 JSON; {@code null} enrichment fields are omitted. */
    public byte[] encode(ClickEvent event) {
        try (ByteArrayBuilder out = new ByteArrayBuilder(384);
                JsonGenerator json = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            json.writeStartObject();
            json.writeStringField("event_id", event.eventId().toString());
            json.writeStringField("event_type", event.eventType().wireName());
            json.writeStringField("user_id", event.userId());
            json.writeStringField("product_id", event.productId());
            json.writeFieldName("price");
            json.writeNumber(event.price().toPlainString());
            json.writeStringField("timestamp", TIMESTAMP_FORMAT.format(event.timestamp()));
            writeOptional(json, "session_id", event.sessionId());
            writeOptional(json, "category", event.category());
            writeOptional(json, "device", event.device());
            writeOptional(json, "browser", event.browser());
            writeOptional(json, "os", event.os());
            writeOptional(json, "order_id", event.orderId());
            writeOptional(json, "brand", event.brand());
            writeOptional(json, "category_id", event.categoryId());
            TrafficFields.write(json, event.traffic());
            writeOptional(json, "customer_id", event.customerId());
            if (!event.properties().isEmpty()) {
                event.properties().write(json);
            }
            json.writeEndObject();
            json.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("encoding to memory cannot fail", e);
        }
    }

    private static void writeOptional(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    /**
     * Applies decode's rules to an event built in memory (e.g. mapped from a CSV row), so
     * producers reject what the consumer would send to the dead-letter topic.
     *
     * @throws InvalidEventException naming the field and the reason
     */
    public void validate(ClickEvent event) throws InvalidEventException {
        EventFields.identifier("user_id", EventFields.limited("user_id", event.userId()));
        EventFields.identifier("product_id", EventFields.limited("product_id", event.productId()));
        EventFields.validatePrice(event.price());
        EventFields.validateTimestamp(event.timestamp(), TIMESTAMP_FORMAT.format(event.timestamp()), clock);
        String[][] optional = {
            {"session_id", event.sessionId()},
            {"category", event.category()},
            {"device", event.device()},
            {"browser", event.browser()},
            {"os", event.os()},
            {"order_id", event.orderId()},
            {"brand", event.brand()},
            {"category_id", event.categoryId()},
            {"customer_id", event.customerId()}
        };
        for (String[] field : optional) {
            if (field[1] != null) {
                EventFields.limited(field[0], field[1]);
            }
        }
        if (event.customerId() != null) {
            EventFields.identifier("customer_id", event.customerId());
        }
        EventFields.orderOfPurchase(event.eventType(), event.orderId());
        TrafficFields.validate(event.traffic());
        EventProperties.of(event.properties().values()); // the limits, for properties built in memory
    }

    /**
     * Decodes and validates one payload.
     *
     * @throws InvalidEventException naming the field and the reason, for any bad input
     */
    public ClickEvent decode(byte[] payload) throws InvalidEventException {
        if (payload == null || payload.length == 0) {
            throw new InvalidEventException(null, "empty payload");
        }
        if (payload.length > MAX_PAYLOAD_BYTES) {
            throw new InvalidEventException(
                    null,
                    InvalidEventException.TOO_LARGE_PREFIX + payload.length + " bytes exceeds the limit of "
                            + MAX_PAYLOAD_BYTES + " bytes");
        }
        try (JsonParser parser = JSON.createParser(payload)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidEventException(null, "payload is not a JSON object");
            }
            EventFields fields = new EventFields();
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                fields.accept(name, value, parser);
            }
            if (parser.nextToken() != null) {
                throw new InvalidEventException(null, "unexpected data after the JSON object");
            }
            return fields.toEvent(clock);
        } catch (JsonEOFException e) {
            throw new InvalidEventException(null, "truncated JSON");
        } catch (CharConversionException e) {
            throw new InvalidEventException(null, "payload is not valid UTF-8");
        } catch (JsonParseException e) {
            throw new InvalidEventException(null, malformedReason(e));
        } catch (IOException e) {
            throw new InvalidEventException(null, "unreadable payload: " + e.getMessage());
        }
    }

    private static String malformedReason(JsonParseException e) {
        String message = e.getOriginalMessage();
        if (message.contains("UTF-8") || message.contains("UTF8")) {
            return "payload is not valid UTF-8";
        }
        return "malformed JSON: " + message.lines().findFirst().orElse(message);
    }

    /** Collects field values while parsing; validation happens per field and at the end. */
    static final class EventFields {
        private String eventId;
        private String eventType;
        private String userId;
        private String productId;
        private BigDecimal price;
        private String timestamp;
        private String sessionId;
        private String category;
        private String device;
        private String browser;
        private String os;
        private String orderId;
        private String brand;
        private String categoryId;
        private String customerId;
        private EventProperties properties = EventProperties.NONE;
        private final TrafficFields traffic = new TrafficFields();
        private int seen; // one bit per known field, to reject duplicates

        private void once(int bit, String name) throws InvalidEventException {
            if ((seen & bit) != 0) {
                throw new InvalidEventException(null, "duplicate field '" + name + "'");
            }
            seen |= bit;
        }

        void accept(String name, JsonToken token, JsonParser parser) throws IOException, InvalidEventException {
            int bit = switch (name) {
                case "event_id" -> 1;
                case "event_type" -> 1 << 1;
                case "user_id" -> 1 << 2;
                case "product_id" -> 1 << 3;
                case "price" -> 1 << 4;
                case "timestamp" -> 1 << 5;
                case "session_id" -> 1 << 6;
                case "category" -> 1 << 7;
                case "device" -> 1 << 8;
                case "browser" -> 1 << 9;
                case "os" -> 1 << 10;
                case "order_id" -> 1 << 11;
                case "brand" -> 1 << 12;
                case "category_id" -> 1 << 13;
                case "customer_id" -> 1 << 14;
                case "properties" -> 1 << 15;
                default -> 0;
            };
            if (bit != 0) {
                once(bit, name);
            }
            switch (name) {
                case "event_id" -> eventId = requiredText(name, token, parser);
                case "event_type" -> eventType = requiredText(name, token, parser);
                case "user_id" -> userId = requiredText(name, token, parser);
                case "product_id" -> productId = requiredText(name, token, parser);
                case "price" -> price = number(name, token, parser);
                case "timestamp" -> timestamp = requiredText(name, token, parser);
                case "session_id" -> sessionId = optionalText(name, token, parser);
                case "category" -> category = optionalText(name, token, parser);
                case "device" -> device = optionalText(name, token, parser);
                case "browser" -> browser = optionalText(name, token, parser);
                case "os" -> os = optionalText(name, token, parser);
                case "order_id" -> orderId = optionalText(name, token, parser);
                case "brand" -> brand = optionalText(name, token, parser);
                case "category_id" -> categoryId = optionalText(name, token, parser);
                case "customer_id" -> customerId = optionalText(name, token, parser);
                case "properties" -> properties = EventProperties.read(token, parser);
                default -> {
                    if (!traffic.accept(name, token, parser)) {
                        parser.skipChildren(); // unknown fields are ignored by contract
                    }
                }
            }
        }

        ClickEvent toEvent(Clock clock) throws InvalidEventException {
            UUID id = parseUuid(require("event_id", eventId));
            EventType type = EventType.fromWireName(require("event_type", eventType));
            if (type == null) {
                throw new InvalidEventException(
                        "event_type",
                        "unknown event type '" + eventType
                                + "' (expected page_view, add_to_cart, remove_from_cart or purchase)");
            }
            identifier("user_id", require("user_id", userId));
            identifier("product_id", require("product_id", productId));
            validatePrice(require("price", price));
            Instant at = parseTimestamp(require("timestamp", timestamp), clock);
            orderOfPurchase(type, orderId);
            if (customerId != null) {
                identifier("customer_id", customerId);
            }
            return new ClickEvent(
                    id,
                    type,
                    userId,
                    productId,
                    price,
                    at,
                    sessionId,
                    category,
                    device,
                    browser,
                    os,
                    orderId,
                    brand,
                    categoryId,
                    traffic.toTraffic(),
                    customerId,
                    properties);
        }

        /** Only a purchase belongs to an order: an order id on another event is a sender's mistake. */
        static void orderOfPurchase(EventType type, String orderId) throws InvalidEventException {
            if (orderId != null && type != EventType.PURCHASE) {
                throw new InvalidEventException(
                        "order_id", "only a purchase belongs to an order, not a " + type.wireName());
            }
        }

        private static <T> T require(String field, T value) throws InvalidEventException {
            if (value == null) {
                throw new InvalidEventException(field, InvalidEventException.MISSING);
            }
            return value;
        }

        private static String requiredText(String field, JsonToken token, JsonParser parser)
                throws IOException, InvalidEventException {
            if (token == JsonToken.VALUE_NULL) {
                throw new InvalidEventException(field, InvalidEventException.NULL);
            }
            if (token != JsonToken.VALUE_STRING) {
                throw new InvalidEventException(field, "must be a string, got " + describe(token));
            }
            return limited(field, parser.getText());
        }

        static String optionalText(String field, JsonToken token, JsonParser parser)
                throws IOException, InvalidEventException {
            if (token == JsonToken.VALUE_NULL) {
                return null;
            }
            if (token != JsonToken.VALUE_STRING) {
                throw new InvalidEventException(field, "must be a string or null, got " + describe(token));
            }
            String text = limited(field, parser.getText());
            return text.isEmpty() ? null : text;
        }

        static String limited(String field, String text) throws InvalidEventException {
            if (text.length() > MAX_TEXT_LENGTH) {
                throw new InvalidEventException(
                        field, "longer than " + MAX_TEXT_LENGTH + " characters (" + text.length() + ")");
            }
            return text;
        }

        private static BigDecimal number(String field, JsonToken token, JsonParser parser)
                throws IOException, InvalidEventException {
            if (token == JsonToken.VALUE_NULL) {
                throw new InvalidEventException(field, InvalidEventException.NULL);
            }
            if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new InvalidEventException(field, "must be a number, got " + describe(token));
            }
            return parser.getDecimalValue();
        }

        static void identifier(String field, String value) throws InvalidEventException {
            if (value.isBlank()) {
                throw new InvalidEventException(field, "must not be blank");
            }
            for (int i = 0; i < value.length(); i++) {
                if (Character.isISOControl(value.charAt(i))) {
                    throw new InvalidEventException(field, "contains a control character at position " + i);
                }
            }
        }

        private static void validatePrice(BigDecimal value) throws InvalidEventException {
            if (value.signum() < 0) {
                throw new InvalidEventException("price", "must be >= 0, got " + value.toPlainString());
            }
            if (value.compareTo(MAX_PRICE) > 0) {
                throw new InvalidEventException("price", "exceeds the maximum of " + MAX_PRICE.toPlainString());
            }
            if (value.stripTrailingZeros().scale() > PRICE_SCALE) {
                throw new InvalidEventException(
                        "price", "has more than " + PRICE_SCALE + " decimal places: " + value.toPlainString());
            }
        }

        private static UUID parseUuid(String value) throws InvalidEventException {
            // UUID.fromString accepts short forms like "1-1-1-1-1"; require the canonical 36 characters.
            if (value.length() != 36) {
                throw new InvalidEventException("event_id", "not a UUID: '" + value + "'");
            }
            try {
                return UUID.fromString(value);
            } catch (IllegalArgumentException e) {
                throw new InvalidEventException("event_id", "not a UUID: '" + value + "'");
            }
        }

        private static Instant parseTimestamp(String value, Clock clock) throws InvalidEventException {
            Instant at = canonicalTimestamp(value);
            try {
                if (at == null) {
                    at = OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME)
                            .toInstant();
                }
            } catch (DateTimeParseException e) {
                throw new InvalidEventException("timestamp", "not an ISO-8601 date-time with offset: '" + value + "'");
            }
            validateTimestamp(at, value, clock);
            return at;
        }

        /**
         * The form this codec writes, {@code 2026-11-25T11:59:59.123Z}, parsed without the general
         * formatter (which costs about a microsecond per event); {@code null} for any other form or
         * an impossible date, which the formatter then parses or rejects.
         */
        static Instant canonicalTimestamp(String v) {
            if (v.length() != 24
                    || v.charAt(4) != '-'
                    || v.charAt(7) != '-'
                    || v.charAt(10) != 'T'
                    || v.charAt(13) != ':'
                    || v.charAt(16) != ':'
                    || v.charAt(19) != '.'
                    || v.charAt(23) != 'Z') {
                return null;
            }
            int year = digits(v, 0, 4);
            int month = digits(v, 5, 2);
            int day = digits(v, 8, 2);
            int hour = digits(v, 11, 2);
            int minute = digits(v, 14, 2);
            int second = digits(v, 17, 2);
            int millis = digits(v, 20, 3);
            if (year < 0
                    || month < 1
                    || month > 12
                    || day < 1
                    || day > 28 && day > YearMonth.of(year, month).lengthOfMonth()
                    || hour < 0
                    || hour > 23
                    || minute < 0
                    || minute > 59
                    || second < 0
                    || second > 59
                    || millis < 0) {
                return null;
            }
            long epochDay = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochMilli(((epochDay * 24 + hour) * 60 + minute) * 60_000L + second * 1000L + millis);
        }

        /** The decimal number of {@code count} digits at {@code from}, or -1 if any is not a digit. */
        private static int digits(String v, int from, int count) {
            int n = 0;
            for (int i = from; i < from + count; i++) {
                char c = v.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                n = n * 10 + (c - '0');
            }
            return n;
        }

        private static void validateTimestamp(Instant at, String value, Clock clock) throws InvalidEventException {
            if (at.isBefore(EARLIEST_TIMESTAMP)) {
                throw new InvalidEventException("timestamp", "before " + EARLIEST_TIMESTAMP + ": " + value);
            }
            if (at.isAfter(clock.instant().plus(MAX_FUTURE_SKEW))) {
                throw new InvalidEventException(
                        "timestamp", "more than " + MAX_FUTURE_SKEW.toHours() + " hours in the future: " + value);
            }
        }

        static String describe(JsonToken token) {
            return switch (token) {
                case START_OBJECT -> "an object";
                case START_ARRAY -> "an array";
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
                case VALUE_TRUE, VALUE_FALSE -> "a boolean";
                case VALUE_STRING -> "a string";
                default -> token.asString() == null ? token.name() : token.asString();
            };
        }
    }
}
