package io.clickstream.producer.replay;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventType;
import io.clickstream.model.InvalidEventException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.UUID;

/**
 * Maps a row of the public "eCommerce behavior data from multi category store" CSV onto a
 * {@link ClickEvent}:
 * <pre>
 *   event_time "2019-10-01 00:00:04 UTC"  → timestamp
 *   event_type view|cart|remove_from_cart|purchase → page_view|add_to_cart|remove_from_cart|purchase
 *   product_id 44600062  → product_id "prod_44600062" (ids already prefixed are kept)
 *   user_id 541312140    → user_id "user_541312140"
 *   category_code        → category (empty → absent)
 *   category_id, brand   → category_id, brand (empty → absent)
 *   price                → price (≥ 0, at most 2 decimals)
 *   user_session         → session_id
 * </pre>
 * The event id is a name-based (MD5, version 3) UUID of "line number:record text", the line
 * being the one the record starts on: replaying the same file again yields the same ids, so a
 * replay is recognisable downstream, and two identical rows on different lines stay distinct.
 */
public final class ReplayRowMapper {
    public static final List<String> HEADER = List.of(
            "event_time",
            "event_type",
            "product_id",
            "category_id",
            "category_code",
            "brand",
            "price",
            "user_id",
            "user_session");
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'");

    private final EventCodec codec;

    public ReplayRowMapper(EventCodec codec) {
        this.codec = codec;
    }

    /** @throws RowRejectedException naming the column and what is wrong with it */
    public ClickEvent map(long lineNumber, String line) throws RowRejectedException {
        checkLength(line);
        return map(new CsvRecords.Record(lineNumber, line, CsvRecords.problemOf(line)));
    }

    private static void checkLength(String line) throws RowRejectedException {
        if (line.length() > CsvRecords.MAX_RECORD_CHARS) {
            throw new RowRejectedException("longer than " + CsvRecords.MAX_RECORD_CHARS + " characters");
        }
    }

    /** A record read by {@link CsvRecords}, whose quoting was checked while its end was found. */
    ClickEvent map(CsvRecords.Record record) throws RowRejectedException {
        long lineNumber = record.line();
        String line = record.text();
        if (record.problem() != null) {
            throw new RowRejectedException(record.problem());
        }
        checkLength(line);
        List<String> f = CsvRecords.fields(line);
        if (f.size() != HEADER.size()) {
            throw new RowRejectedException("expected " + HEADER.size() + " columns, got " + f.size());
        }
        Instant time = eventTime(f.get(0));
        EventType type = switch (f.get(1)) {
            case "view" -> EventType.PAGE_VIEW;
            case "cart" -> EventType.ADD_TO_CART;
            case "remove_from_cart" -> EventType.REMOVE_FROM_CART;
            case "purchase" -> EventType.PURCHASE;
            default -> throw new RowRejectedException("event_type: unknown value '" + f.get(1) + "'");
        };
        String productId = identifier("product_id", f.get(2), "prod_");
        String userId = identifier("user_id", f.get(7), "user_");
        BigDecimal price = price(f.get(6));
        UUID eventId = UUID.nameUUIDFromBytes((lineNumber + ":" + line).getBytes(StandardCharsets.UTF_8));
        ClickEvent event = new ClickEvent(
                eventId,
                type,
                userId,
                productId,
                price,
                time,
                emptyToNull(f.get(8)),
                emptyToNull(f.get(4)),
                null,
                null,
                null,
                null, // the layout has no order id: each purchase row is an order of its own
                emptyToNull(f.get(5)),
                emptyToNull(f.get(3)));
        try {
            codec.validate(event);
        } catch (InvalidEventException e) {
            throw new RowRejectedException(e.getMessage());
        }
        return event;
    }

    /** True if {@code line} is the dataset's header. */
    public static boolean isHeader(String line) throws RowRejectedException {
        return CsvRecords.fields(line.strip()).equals(HEADER);
    }

    private static Instant eventTime(String value) throws RowRejectedException {
        try {
            return LocalDateTime.parse(value, EVENT_TIME).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            throw new RowRejectedException("event_time: '" + value + "' is not like 2019-10-01 00:00:04 UTC");
        }
    }

    private static String identifier(String column, String value, String prefix) throws RowRejectedException {
        String id = value.strip();
        if (id.isEmpty()) {
            throw new RowRejectedException(column + ": empty");
        }
        return id.chars().allMatch(Character::isDigit) ? prefix + id : id;
    }

    private static BigDecimal price(String value) throws RowRejectedException {
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new RowRejectedException("price: '" + value + "' is not a number");
        }
    }

    private static String emptyToNull(String value) {
        String v = value.strip();
        return v.isEmpty() ? null : v;
    }
}
