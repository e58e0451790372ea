package io.clickstream.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.clickstream.model.EventCodec.EventFields;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * An event's custom properties: a flat map of names to strings, numbers or booleans, whatever
 * the shop wants to record beyond the event's own fields ({@code {"coupon": "WINTER", "size":
 * 42, "gift": true}}). Sorted by name, immutable. Stored as text ({@link #asText()}): a number
 * as written, a boolean as {@code true}/{@code false}.
 *
 * <p>Limits, each named in the rejection of an event over it (nothing is cut short):
 * {@value #MAX_COUNT} properties, names of 1 to {@value #MAX_NAME_LENGTH} characters without
 * control characters, string values up to {@value #MAX_VALUE_LENGTH} characters, numbers up to
 * 64 characters, and {@value #MAX_BYTES} bytes of names and values together (UTF-8).
 */
public final class EventProperties {
    public static final int MAX_COUNT = 20;
    public static final int MAX_NAME_LENGTH = 64;
    public static final int MAX_VALUE_LENGTH = 256;
    public static final int MAX_BYTES = 4096;

    public static final EventProperties NONE = new EventProperties(new TreeMap<>());

    private final Map<String, Object> values;

    private EventProperties(TreeMap<String, Object> values) {
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * Properties from values that are each a {@link String}, a {@link BigDecimal} (or another
     * {@link Number}) or a {@link Boolean}, checked against the limits.
     */
    public static EventProperties of(Map<String, ?> properties) throws InvalidEventException {
        TreeMap<String, Object> checked = new TreeMap<>();
        int bytes = 0;
        for (Map.Entry<String, ?> entry : properties.entrySet()) {
            String name = entry.getKey();
            Object value = entry.getValue();
            if (value instanceof Number number && !(value instanceof BigDecimal)) {
                value = new BigDecimal(number.toString());
            }
            bytes += check(name, value, checked.size() + 1);
            checked.put(name, value);
            if (bytes > MAX_BYTES) {
                throw new InvalidEventException(
                        "properties", "more than " + MAX_BYTES + " bytes of names and values (" + bytes + " so far)");
            }
        }
        return checked.isEmpty() ? NONE : new EventProperties(checked);
    }

    /** Reads the object the parser is at ({@code START_OBJECT} read), or {@code null} as none. */
    static EventProperties read(JsonToken token, JsonParser parser) throws IOException, InvalidEventException {
        if (token == JsonToken.VALUE_NULL) {
            return NONE;
        }
        if (token != JsonToken.START_OBJECT) {
            throw new InvalidEventException(
                    "properties", "must be an object or null, got " + EventFields.describe(token));
        }
        Map<String, Object> read = new LinkedHashMap<>();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken value = parser.nextToken();
            Object parsed = switch (value) {
                case VALUE_STRING -> parser.getText();
                case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> parser.getDecimalValue();
                case VALUE_TRUE -> Boolean.TRUE;
                case VALUE_FALSE -> Boolean.FALSE;
                default ->
                    throw new InvalidEventException(
                            "properties." + name,
                            "must be a string, a number or a boolean, got " + EventFields.describe(value));
            };
            if (read.put(name, parsed) != null) {
                throw new InvalidEventException("properties", "duplicate property '" + name + "'");
            }
            if (read.size() > MAX_COUNT) {
                throw new InvalidEventException("properties", "more than " + MAX_COUNT + " properties");
            }
        }
        return of(read);
    }

    /** @return the UTF-8 bytes of the name and the value */
    private static int check(String name, Object value, int count) throws InvalidEventException {
        if (count > MAX_COUNT) {
            throw new InvalidEventException("properties", "more than " + MAX_COUNT + " properties");
        }
        if (name == null || name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new InvalidEventException(
                    "properties",
                    "a property name must have 1 to " + MAX_NAME_LENGTH + " characters, got "
                            + (name == null ? "none" : name.length() + " ('" + abbreviate(name) + "')"));
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new InvalidEventException("properties", "a property name contains a control character");
            }
        }
        String field = "properties." + name;
        if (value instanceof String text) {
            if (text.length() > MAX_VALUE_LENGTH) {
                throw new InvalidEventException(
                        field, "longer than " + MAX_VALUE_LENGTH + " characters (" + text.length() + ")");
            }
        } else if (!(value instanceof BigDecimal) && !(value instanceof Boolean)) {
            throw new InvalidEventException(
                    field,
                    "must be a string, a number or a boolean, got "
                            + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        return name.getBytes(StandardCharsets.UTF_8).length + text(value).getBytes(StandardCharsets.UTF_8).length;
    }

    private static String abbreviate(String name) {
        return name.length() <= 20 ? name : name.substring(0, 20) + "…";
    }

    private static String text(Object value) {
        return value instanceof BigDecimal number ? number.toPlainString() : value.toString();
    }

    public boolean isEmpty() {
        return values.isEmpty();
    }

    /** The values as given (strings, {@link BigDecimal}s, booleans), sorted by name. */
    public Map<String, Object> values() {
        return values;
    }

    /** The values as stored: text, sorted by name. */
    public Map<String, String> asText() {
        Map<String, String> text = new TreeMap<>();
        values.forEach((name, value) -> text.put(name, text(value)));
        return text;
    }

    void write(JsonGenerator json) throws IOException {
        json.writeObjectFieldStart("properties");
        for (Map.Entry<String, Object> entry : values.entrySet()) {
            Object value = entry.getValue();
            if (value instanceof BigDecimal number) {
                json.writeFieldName(entry.getKey());
                json.writeNumber(number.toPlainString());
            } else if (value instanceof Boolean flag) {
                json.writeBooleanField(entry.getKey(), flag);
            } else {
                json.writeStringField(entry.getKey(), (String) value);
            }
        }
        json.writeEndObject();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EventProperties that && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
