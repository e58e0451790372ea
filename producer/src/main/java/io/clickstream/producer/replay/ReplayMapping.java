package io.clickstream.producer.replay;

import io.clickstream.model.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeSet;

/**
 * How the columns of a recorded clickstream CSV become events: each event field and the header
 * column it is read from, the file's event-type names, and how its times are written. Read from
 * a properties file (the built-in ones, {@code replay-mappings/*.properties}, are examples):
 * <pre>
 *   timestamp = event_time                      # field = header column
 *   event.view = page_view                      # event.NAME-IN-FILE = event type
 *   timestamp.format = yyyy-MM-dd HH:mm:ss 'UTC' # a pattern, epoch_millis, epoch_seconds or iso
 *   timestamp.zone = UTC                        # the zone of times without an offset
 * </pre>
 * Required: timestamp, event_type, user_id, product_id and at least one event name. Every other
 * field is optional; an unmapped price is 0.
 */
public final class ReplayMapping {
    /** The built-in mappings, by name, in the order a header is matched against them. */
    public static final List<String> BUILT_IN = List.of("kaggle", "retailrocket", "retailrocket-events");

    static final List<String> REQUIRED = List.of("timestamp", "event_type", "user_id", "product_id");
    static final List<String> OPTIONAL = List.of(
            "price",
            "session_id",
            "category",
            "category_id",
            "brand",
            "order_id",
            "device",
            "browser",
            "os",
            "page",
            "page_title",
            "referrer",
            "utm_source",
            "utm_medium",
            "utm_campaign",
            "utm_term",
            "utm_content",
            "channel",
            "country",
            "customer_id");

    private final String name;
    private final Map<String, String> columns; // field -> header column
    private final Map<String, EventType> eventTypes; // name in the file -> type
    private final String timestampFormat;
    private final DateTimeFormatter pattern; // null for the epoch and iso forms
    private final ZoneId zone;

    private ReplayMapping(
            String name,
            Map<String, String> columns,
            Map<String, EventType> eventTypes,
            String timestampFormat,
            DateTimeFormatter pattern,
            ZoneId zone) {
        this.name = name;
        this.columns = columns;
        this.eventTypes = eventTypes;
        this.timestampFormat = timestampFormat;
        this.pattern = pattern;
        this.zone = zone;
    }

    /** A built-in mapping ({@link #BUILT_IN}). */
    public static ReplayMapping builtIn(String name) {
        try (InputStream in = ReplayMapping.class.getResourceAsStream("/replay-mappings/" + name + ".properties")) {
            if (in == null) {
                throw new IllegalArgumentException(
                        "no built-in replay mapping '" + name + "' (built in: " + String.join(", ", BUILT_IN) + ")");
            }
            Properties properties = new Properties();
            properties.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
            return parse(name, properties);
        } catch (IOException e) {
            throw new IllegalStateException("built-in mapping " + name + " unreadable", e);
        }
    }

    /**
     * A built-in mapping's name, or a mapping file's path.
     *
     * @throws IllegalArgumentException naming the file, the key and what is wrong
     */
    public static ReplayMapping named(String nameOrPath) {
        if (BUILT_IN.contains(nameOrPath)) {
            return builtIn(nameOrPath);
        }
        Path file = Path.of(nameOrPath);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("'" + nameOrPath + "' is neither a built-in mapping ("
                    + String.join(", ", BUILT_IN) + ") nor a readable mapping file");
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            Properties properties = new Properties();
            properties.load(reader);
            return parse(file.toString(), properties);
        } catch (IOException e) {
            throw new IllegalArgumentException(nameOrPath + ": unreadable: " + e.getMessage(), e);
        }
    }

    /** The first built-in mapping whose columns the header has, or null. */
    public static ReplayMapping detect(List<String> header) {
        for (String name : BUILT_IN) {
            ReplayMapping mapping = builtIn(name);
            if (mapping.missingColumns(header).isEmpty()) {
                return mapping;
            }
        }
        return null;
    }

    static ReplayMapping parse(String source, Properties properties) {
        Map<String, String> columns = new LinkedHashMap<>();
        Map<String, EventType> eventTypes = new LinkedHashMap<>();
        String format = null;
        String zoneName = "UTC";
        for (String key : new TreeSet<>(properties.stringPropertyNames())) {
            String value = properties.getProperty(key).strip();
            if (key.equals("timestamp.format")) {
                format = value;
            } else if (key.equals("timestamp.zone")) {
                zoneName = value;
            } else if (key.startsWith("event.")) {
                EventType type = EventType.fromWireName(value);
                if (type == null) {
                    throw new IllegalArgumentException(source + ": " + key + " = " + value
                            + ": not an event type (page_view, add_to_cart, remove_from_cart or purchase)");
                }
                eventTypes.put(key.substring("event.".length()), type);
            } else if (REQUIRED.contains(key) || OPTIONAL.contains(key)) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException(source + ": " + key + " names no column");
                }
                columns.put(key, value);
            } else {
                throw new IllegalArgumentException(source + ": unknown key '" + key + "' (fields: "
                        + String.join(", ", REQUIRED) + ", " + String.join(", ", OPTIONAL)
                        + "; event.NAME; timestamp.format; timestamp.zone)");
            }
        }
        List<String> missing = new ArrayList<>();
        for (String field : REQUIRED) {
            if (!columns.containsKey(field)) {
                missing.add(field);
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException(source + ": no column for " + String.join(", ", missing));
        }
        if (eventTypes.isEmpty()) {
            throw new IllegalArgumentException(source + ": no event names (event.NAME-IN-FILE = page_view, ...)");
        }
        if (format == null) {
            throw new IllegalArgumentException(
                    source + ": no timestamp.format (a pattern such as yyyy-MM-dd HH:mm:ss, epoch_millis,"
                            + " epoch_seconds or iso)");
        }
        ZoneId zone;
        try {
            zone = ZoneId.of(zoneName);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException(source + ": timestamp.zone '" + zoneName + "' is not a time zone");
        }
        DateTimeFormatter pattern = null;
        if (!List.of("epoch_millis", "epoch_seconds", "iso").contains(format)) {
            try {
                pattern = DateTimeFormatter.ofPattern(format);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(
                        source + ": timestamp.format '" + format + "' is not a date-time pattern: " + e.getMessage());
            }
        }
        return new ReplayMapping(
                source,
                Collections.unmodifiableMap(columns),
                Collections.unmodifiableMap(eventTypes),
                format,
                pattern,
                zone);
    }

    public String name() {
        return name;
    }

    /** The header column of {@code field}, or null if the mapping does not read it. */
    String column(String field) {
        return columns.get(field);
    }

    /** The header columns this mapping reads. */
    List<String> columns() {
        List<String> ordered = new ArrayList<>();
        for (String field : REQUIRED) {
            ordered.add(columns.get(field));
        }
        for (String field : OPTIONAL) {
            if (columns.containsKey(field) && !ordered.contains(columns.get(field))) {
                ordered.add(columns.get(field));
            }
        }
        return ordered;
    }

    /** The columns this mapping reads that {@code header} lacks. */
    List<String> missingColumns(List<String> header) {
        return columns().stream().filter(c -> !header.contains(c)).toList();
    }

    /** The event type of a name in the file, or null. */
    EventType eventType(String nameInFile) {
        return eventTypes.get(nameInFile);
    }

    /** @throws RowRejectedException naming the column, if the time is not in this mapping's format */
    Instant time(String value) throws RowRejectedException {
        String v = value.strip();
        try {
            return switch (timestampFormat) {
                case "epoch_millis" -> Instant.ofEpochMilli(Long.parseLong(v));
                case "epoch_seconds" -> Instant.ofEpochSecond(Long.parseLong(v));
                case "iso" ->
                    DateTimeFormatter.ISO_DATE_TIME.parseBest(v, java.time.ZonedDateTime::from, LocalDateTime::from)
                                    instanceof java.time.ZonedDateTime zoned
                            ? zoned.toInstant()
                            : LocalDateTime.parse(v, DateTimeFormatter.ISO_LOCAL_DATE_TIME)
                                    .atZone(zone)
                                    .toInstant();
                default -> LocalDateTime.parse(v, pattern).atZone(zone).toInstant();
            };
        } catch (NumberFormatException | DateTimeParseException e) {
            throw new RowRejectedException(
                    columns.get("timestamp") + ": '" + value + "' is not a time in the format " + timestampFormat);
        }
    }
}
