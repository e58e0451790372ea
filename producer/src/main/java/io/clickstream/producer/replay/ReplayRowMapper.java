package io.clickstream.producer.replay;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.EventProperties;
import io.clickstream.model.EventType;
import io.clickstream.model.InvalidEventException;
import io.clickstream.model.PageUrls;
import io.clickstream.model.Traffic;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Maps a row of a recorded clickstream CSV onto a {@link ClickEvent}, as a {@link ReplayMapping}
 * says (by default the public "eCommerce behavior data from multi category store" layout):
 * <pre>
 *   event_time "2019-10-01 00:00:04 UTC"  → timestamp
 *   event_type view|cart|remove_from_cart|purchase → page_view|add_to_cart|remove_from_cart|purchase
 *   product_id 44600062  → product_id "prod_44600062" (ids already prefixed are kept)
 *   user_id 541312140    → user_id "user_541312140"
 *   category_code        → category (empty → absent)
 *   category_id, brand   → category_id, brand (empty → absent)
 *   price                → price (≥ 0, at most 2 decimals; 0 when the mapping has no price)
 *   user_session         → session_id
 * </pre>
 * A mapping file may also map where events came from: {@code page} and {@code referrer} (a URL or
 * a host and path, kept as host and path: a query string is dropped), {@code page_title},
 * {@code utm_source} .. {@code utm_content}, {@code channel}, {@code country} and
 * {@code customer_id}; a layout without them stores none ("(none)" on the dashboards).
 * The event id is a name-based (MD5, version 3) UUID of "line number:record text", the line
 * being the one the record starts on: replaying the same file again yields the same ids, so a
 * replay is recognisable downstream, and two identical rows on different lines stay distinct.
 */
public final class ReplayRowMapper {
    /** The Kaggle layout's header, the default mapping's. */
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

    private final EventCodec codec;
    private final ReplayMapping mapping;
    private final int columnCount;
    private final int time;
    private final int type;
    private final int user;
    private final int product;
    private final int price;
    private final int session;
    private final int category;
    private final int categoryId;
    private final int brand;
    private final int order;
    private final int device;
    private final int browser;
    private final int os;
    private final int[] traffic;
    private final int customer;

    /** The traffic fields a mapping may read, in {@link Traffic}'s order (paid_click and is_bot aside). */
    private static final List<String> TRAFFIC = List.of(
            "page",
            "page_title",
            "referrer",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "channel",
            "country");

    /** The Kaggle layout. */
    public ReplayRowMapper(EventCodec codec) {
        this(codec, ReplayMapping.builtIn("kaggle"), HEADER);
    }

    /**
     * @param header the file's header: where each column the mapping reads is
     * @throws IllegalArgumentException naming the columns the header lacks
     */
    public ReplayRowMapper(EventCodec codec, ReplayMapping mapping, List<String> header) {
        List<String> missing = mapping.missingColumns(header);
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("the header has no column " + String.join(", ", missing)
                    + " that the mapping " + mapping.name() + " reads");
        }
        this.codec = codec;
        this.mapping = mapping;
        this.columnCount = header.size();
        this.time = header.indexOf(mapping.column("timestamp"));
        this.type = header.indexOf(mapping.column("event_type"));
        this.user = header.indexOf(mapping.column("user_id"));
        this.product = header.indexOf(mapping.column("product_id"));
        this.price = index(header, mapping, "price");
        this.session = index(header, mapping, "session_id");
        this.category = index(header, mapping, "category");
        this.categoryId = index(header, mapping, "category_id");
        this.brand = index(header, mapping, "brand");
        this.order = index(header, mapping, "order_id");
        this.device = index(header, mapping, "device");
        this.browser = index(header, mapping, "browser");
        this.os = index(header, mapping, "os");
        this.traffic = TRAFFIC.stream()
                .mapToInt(field -> index(header, mapping, field))
                .toArray();
        this.customer = index(header, mapping, "customer_id");
    }

    private static int index(List<String> header, ReplayMapping mapping, String field) {
        String column = mapping.column(field);
        return column == null ? -1 : header.indexOf(column);
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
        if (f.size() != columnCount) {
            throw new RowRejectedException("expected " + columnCount + " columns, got " + f.size());
        }
        Instant at = mapping.time(f.get(time));
        EventType eventType = mapping.eventType(f.get(type));
        if (eventType == null) {
            throw new RowRejectedException(mapping.column("event_type") + ": unknown value '" + f.get(type) + "'");
        }
        String productId = identifier(mapping.column("product_id"), f.get(product), "prod_");
        String userId = identifier(mapping.column("user_id"), f.get(user), "user_");
        BigDecimal amount = price < 0 ? BigDecimal.ZERO : price(mapping.column("price"), f.get(price));
        UUID eventId = UUID.nameUUIDFromBytes((lineNumber + ":" + line).getBytes(StandardCharsets.UTF_8));
        String orderId = optional(f, order);
        ClickEvent event = new ClickEvent(
                eventId,
                eventType,
                userId,
                productId,
                amount,
                at,
                optional(f, session),
                optional(f, category),
                optional(f, device),
                optional(f, browser),
                optional(f, os),
                eventType == EventType.PURCHASE ? orderId : null, // a layout may repeat it on other rows
                optional(f, brand),
                optional(f, categoryId));
        if (customer >= 0 || java.util.Arrays.stream(traffic).anyMatch(i -> i >= 0)) {
            event = event.with(traffic(f), optional(f, customer), EventProperties.NONE);
        }
        try {
            codec.validate(event);
        } catch (InvalidEventException e) {
            throw new RowRejectedException(e.getMessage());
        }
        return event;
    }

    private Traffic traffic(List<String> f) {
        String[] v = new String[TRAFFIC.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = optional(f, traffic[i]);
        }
        return new Traffic(
                PageUrls.hostAndPath(v[0]),
                v[1],
                PageUrls.hostAndPath(v[2]),
                null,
                v[3],
                v[4],
                v[5],
                v[6],
                v[7],
                false,
                v[8],
                false,
                v[9]);
    }

    /** True if {@code line} is the Kaggle layout's header. */
    public static boolean isHeader(String line) throws RowRejectedException {
        return CsvRecords.fields(line.strip()).equals(HEADER);
    }

    private static String identifier(String column, String value, String prefix) throws RowRejectedException {
        String id = value.strip();
        if (id.isEmpty()) {
            throw new RowRejectedException(column + ": empty");
        }
        return id.chars().allMatch(Character::isDigit) ? prefix + id : id;
    }

    private static BigDecimal price(String column, String value) throws RowRejectedException {
        try {
            return new BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw new RowRejectedException(column + ": '" + value + "' is not a number");
        }
    }

    private static String optional(List<String> fields, int index) {
        if (index < 0) {
            return null;
        }
        String v = fields.get(index).strip();
        return v.isEmpty() ? null : v;
    }
}
