package io.clickstream.collector.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.model.PageUrls;
import java.net.InetAddress;

/**
 * What the collector knows of an event's traffic and a page cannot be trusted with
 * (docs/collector.md, "What is stored"), applied to the event as the page sent it:
 * <ul>
 *   <li>{@code page} and {@code referrer}: reduced to a host and a path ({@link PageUrls}),
 *       whatever the page sent (a full URL's query string and fragment are dropped);</li>
 *   <li>{@code page_title}: cut to {@value #MAX_TITLE_LENGTH} characters;</li>
 *   <li>{@code channel}: always derived ({@link Channels}), a page's own value replaced;</li>
 *   <li>{@code is_bot}: true if the User-Agent is a crawler's or an automated browser's, or the
 *       page says so itself (the tracker does when {@code navigator.webdriver} is set); a page
 *       cannot make a bot's event a person's;</li>
 *   <li>{@code country}: always from the client's address ({@link Countries}), a page's own
 *       value replaced or removed.</li>
 * </ul>
 * Values of the wrong type are left as sent: the codec rejects them, naming the field.
 */
public final class TrafficEnrichment {
    public static final int MAX_TITLE_LENGTH = 256;

    private final Channels channels;
    private final Countries countries;

    public TrafficEnrichment(Channels channels, Countries countries) {
        this.channels = channels;
        this.countries = countries;
    }

    /** Channels from the bundled referrer list, no countries. */
    public static TrafficEnrichment withoutCountries() {
        return new TrafficEnrichment(new Channels(ReferrerList.bundled()), Countries.NONE);
    }

    /**
     * @param bot whether the request's User-Agent is a bot's
     * @param client the client's address, or null
     */
    public void apply(ObjectNode event, boolean bot, InetAddress client) {
        String page = address(event, "page");
        String referrer = address(event, "referrer");
        JsonNode title = event.get("page_title");
        if (title != null && title.isTextual() && title.textValue().length() > MAX_TITLE_LENGTH) {
            event.put("page_title", cut(title.textValue()));
        }
        event.put(
                "channel",
                channels.of(
                        page,
                        referrer,
                        text(event, "utm_source"),
                        text(event, "utm_medium"),
                        event.path("paid_click").asBoolean(false)));
        JsonNode saidBot = event.get("is_bot");
        if (bot || saidBot == null || saidBot.isBoolean() || saidBot.isNull()) {
            event.put("is_bot", bot || event.path("is_bot").asBoolean(false));
        }
        String country = countries.of(client);
        if (country == null) {
            event.remove("country");
        } else {
            event.put("country", country);
        }
    }

    /** Rewrites a textual address field as host and path (removes it if it has no host); returns it. */
    private static String address(ObjectNode event, String field) {
        JsonNode value = event.get(field);
        if (value == null || !value.isTextual()) {
            return null;
        }
        String stored = PageUrls.hostAndPath(value.textValue());
        if (stored == null) {
            event.remove(field);
        } else {
            event.put(field, stored);
        }
        return stored;
    }

    private static String text(ObjectNode event, String field) {
        JsonNode value = event.get(field);
        return value != null && value.isTextual() && !value.textValue().isEmpty() ? value.textValue() : null;
    }

    /** The first {@value #MAX_TITLE_LENGTH} characters, a surrogate pair kept whole. */
    private static String cut(String title) {
        int end = MAX_TITLE_LENGTH;
        if (Character.isHighSurrogate(title.charAt(end - 1))) {
            end--;
        }
        return title.substring(0, end);
    }
}
