package io.clickstream.model;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.clickstream.model.EventCodec.EventFields;
import java.io.IOException;
import java.util.regex.Pattern;

/**
 * The wire form of {@link Traffic}: flat fields of the event object ({@code page},
 * {@code page_title}, {@code referrer}, {@code page_view_id}, {@code utm_source} ..
 * {@code utm_content}, {@code paid_click}, {@code channel}, {@code is_bot}, {@code country}),
 * each validated as it is read, naming the field in every rejection.
 */
final class TrafficFields {
    /** A page or referrer: host and path. */
    static final int MAX_URL_LENGTH = 1024;

    static final int MAX_PAGE_VIEW_ID_LENGTH = 64;
    private static final Pattern COUNTRY = Pattern.compile("[A-Z]{2}");

    private String page;
    private String pageTitle;
    private String referrer;
    private String pageViewId;
    private String utmSource;
    private String utmMedium;
    private String utmCampaign;
    private String utmTerm;
    private String utmContent;
    private boolean paidClick;
    private String channel;
    private boolean bot;
    private String country;
    private int seen;

    /**
     * Reads the field if it is one of these.
     *
     * @return false if {@code name} is not a traffic field
     */
    boolean accept(String name, JsonToken token, JsonParser parser) throws IOException, InvalidEventException {
        int bit = switch (name) {
            case "page" -> 1;
            case "page_title" -> 1 << 1;
            case "referrer" -> 1 << 2;
            case "page_view_id" -> 1 << 3;
            case "utm_source" -> 1 << 4;
            case "utm_medium" -> 1 << 5;
            case "utm_campaign" -> 1 << 6;
            case "utm_term" -> 1 << 7;
            case "utm_content" -> 1 << 8;
            case "paid_click" -> 1 << 9;
            case "channel" -> 1 << 10;
            case "is_bot" -> 1 << 11;
            case "country" -> 1 << 12;
            default -> 0;
        };
        if (bit == 0) {
            return false;
        }
        if ((seen & bit) != 0) {
            throw new InvalidEventException(null, "duplicate field '" + name + "'");
        }
        seen |= bit;
        switch (name) {
            case "page" -> page = hostAndPath(name, text(name, token, parser, MAX_URL_LENGTH));
            case "page_title" -> pageTitle = text(name, token, parser, EventCodec.MAX_TEXT_LENGTH);
            case "referrer" -> referrer = hostAndPath(name, text(name, token, parser, MAX_URL_LENGTH));
            case "page_view_id" -> pageViewId = identifier(name, text(name, token, parser, MAX_PAGE_VIEW_ID_LENGTH));
            case "utm_source" -> utmSource = text(name, token, parser, EventCodec.MAX_TEXT_LENGTH);
            case "utm_medium" -> utmMedium = text(name, token, parser, EventCodec.MAX_TEXT_LENGTH);
            case "utm_campaign" -> utmCampaign = text(name, token, parser, EventCodec.MAX_TEXT_LENGTH);
            case "utm_term" -> utmTerm = text(name, token, parser, EventCodec.MAX_TEXT_LENGTH);
            case "utm_content" -> utmContent = text(name, token, parser, EventCodec.MAX_TEXT_LENGTH);
            case "paid_click" -> paidClick = flag(name, token);
            case "channel" -> channel = channel(text(name, token, parser, EventCodec.MAX_TEXT_LENGTH));
            case "is_bot" -> bot = flag(name, token);
            default -> country = country(text(name, token, parser, EventCodec.MAX_TEXT_LENGTH));
        }
        return true;
    }

    Traffic toTraffic() {
        return new Traffic(
                page,
                pageTitle,
                referrer,
                pageViewId,
                utmSource,
                utmMedium,
                utmCampaign,
                utmTerm,
                utmContent,
                paidClick,
                channel,
                bot,
                country);
    }

    /** Writes the fields that are set. */
    static void write(JsonGenerator json, Traffic t) throws IOException {
        optional(json, "page", t.page());
        optional(json, "page_title", t.pageTitle());
        optional(json, "referrer", t.referrer());
        optional(json, "page_view_id", t.pageViewId());
        optional(json, "utm_source", t.utmSource());
        optional(json, "utm_medium", t.utmMedium());
        optional(json, "utm_campaign", t.utmCampaign());
        optional(json, "utm_term", t.utmTerm());
        optional(json, "utm_content", t.utmContent());
        if (t.paidClick()) {
            json.writeBooleanField("paid_click", true);
        }
        optional(json, "channel", t.channel());
        if (t.bot()) {
            json.writeBooleanField("is_bot", true);
        }
        optional(json, "country", t.country());
    }

    /** Decode's rules for traffic built in memory (a simulator, a replayed file). */
    static void validate(Traffic t) throws InvalidEventException {
        check("page", t.page(), MAX_URL_LENGTH);
        if (t.page() != null) {
            hostAndPath("page", t.page());
        }
        check("page_title", t.pageTitle(), EventCodec.MAX_TEXT_LENGTH);
        check("referrer", t.referrer(), MAX_URL_LENGTH);
        if (t.referrer() != null) {
            hostAndPath("referrer", t.referrer());
        }
        check("page_view_id", t.pageViewId(), MAX_PAGE_VIEW_ID_LENGTH);
        if (t.pageViewId() != null) {
            identifier("page_view_id", t.pageViewId());
        }
        String[][] campaign = {
            {"utm_source", t.utmSource()},
            {"utm_medium", t.utmMedium()},
            {"utm_campaign", t.utmCampaign()},
            {"utm_term", t.utmTerm()},
            {"utm_content", t.utmContent()}
        };
        for (String[] field : campaign) {
            check(field[0], field[1], EventCodec.MAX_TEXT_LENGTH);
        }
        if (t.channel() != null) {
            channel(t.channel());
        }
        if (t.country() != null) {
            country(t.country());
        }
    }

    private static void check(String field, String value, int maxLength) throws InvalidEventException {
        if (value != null && value.length() > maxLength) {
            throw new InvalidEventException(field, "longer than " + maxLength + " characters (" + value.length() + ")");
        }
    }

    private static void optional(JsonGenerator json, String name, String value) throws IOException {
        if (value != null) {
            json.writeStringField(name, value);
        }
    }

    private static String text(String field, JsonToken token, JsonParser parser, int maxLength)
            throws IOException, InvalidEventException {
        if (token == JsonToken.VALUE_NULL) {
            return null;
        }
        if (token != JsonToken.VALUE_STRING) {
            throw new InvalidEventException(field, "must be a string or null, got " + EventFields.describe(token));
        }
        String value = parser.getText();
        check(field, value, maxLength);
        return value.isEmpty() ? null : value;
    }

    private static boolean flag(String field, JsonToken token) throws InvalidEventException {
        return switch (token) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default ->
                throw new InvalidEventException(
                        field, "must be true, false or null, got " + EventFields.describe(token));
        };
    }

    /** A host and a path: no scheme, no query string, no fragment, no spaces or control characters. */
    private static String hostAndPath(String field, String value) throws InvalidEventException {
        if (value == null) {
            return null;
        }
        if (value.contains("://") || value.indexOf('?') >= 0 || value.indexOf('#') >= 0) {
            throw new InvalidEventException(
                    field, "must be a host and a path, without a scheme, a query string or a fragment");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.isWhitespace(c)) {
                throw new InvalidEventException(field, "contains a space or a control character at position " + i);
            }
        }
        return value;
    }

    private static String identifier(String field, String value) throws InvalidEventException {
        if (value != null) {
            EventFields.identifier(field, value);
        }
        return value;
    }

    private static String channel(String value) throws InvalidEventException {
        if (value != null && !Traffic.CHANNELS.contains(value)) {
            throw new InvalidEventException(
                    "channel",
                    "unknown channel '" + value + "' (expected one of " + String.join(", ", Traffic.CHANNELS) + ")");
        }
        return value;
    }

    private static String country(String value) throws InvalidEventException {
        if (value != null && !COUNTRY.matcher(value).matches()) {
            throw new InvalidEventException(
                    "country", "must be an ISO 3166-1 alpha-2 code (two capital letters), got '" + value + "'");
        }
        return value;
    }
}
