package io.clickstream.collector.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.collector.traffic.TrafficEnrichment;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.InvalidEventException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Turns the events of one request into validated {@link ClickEvent}s, filling what a browser
 * cannot know or must not be trusted with, then applying the shared {@link EventCodec} rules:
 * <ul>
 *   <li>{@code device}, {@code browser}, {@code os}: always from the request's User-Agent
 *       ({@link UserAgents}); values sent by the page are replaced.</li>
 *   <li>{@code timestamp}: the page's clock may be off by hours. When the request says when it
 *       was sent ({@code sent_at}, the page's clock), an event's time is the receive time minus
 *       how long before sending it happened (the page's clock cancels out), never later than
 *       the receive time. Without {@code sent_at}, the page's timestamp is kept if the codec
 *       accepts it; an event without one gets the receive time.</li>
 *   <li>{@code event_id}: generated when absent (the tracker sends its own, so a re-sent event
 *       keeps its id).</li>
 *   <li>the page, referrer, channel, bot flag and country: {@link TrafficEnrichment}.</li>
 * </ul>
 * Invalid events are returned with their index, field and reason; the valid ones go on.
 */
public final class EventIntake {
    /** An event that cannot be stored, and why; {@code field} is null when the event as a whole is wrong. */
    public record Rejection(int index, String field, String reason) {}

    /** The request's outcome before Kafka: events to publish (in order), and the rejected ones. */
    public record Result(List<ClickEvent> accepted, List<Rejection> rejected) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EventCodec codec;
    private final UserAgents userAgents;
    private final TrafficEnrichment traffic;

    /** Channels from the bundled referrer list; no countries. */
    public EventIntake(EventCodec codec, UserAgents userAgents) {
        this(codec, userAgents, TrafficEnrichment.withoutCountries());
    }

    public EventIntake(EventCodec codec, UserAgents userAgents, TrafficEnrichment traffic) {
        this.codec = codec;
        this.userAgents = userAgents;
        this.traffic = traffic;
    }

    /** {@link #accept(List, String, InetAddress, Instant, Instant)} without a client address (no country). */
    public Result accept(List<RequestBody.Part> parts, String userAgent, Instant sentAt, Instant receivedAt) {
        return accept(parts, userAgent, null, sentAt, receivedAt);
    }

    /**
     * @param address    the client's address (for its country only: never kept), or null
     * @param sentAt     when the page sent the request, by its own clock; null if not given
     * @param receivedAt when the collector received it
     */
    public Result accept(
            List<RequestBody.Part> parts, String userAgent, InetAddress address, Instant sentAt, Instant receivedAt) {
        UserAgents.Client client = userAgents.parse(userAgent);
        List<ClickEvent> accepted = new ArrayList<>(parts.size());
        List<Rejection> rejected = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            RequestBody.Part part = parts.get(i);
            if (part.malformed() != null) {
                rejected.add(new Rejection(i, null, part.malformed()));
                continue;
            }
            if (!(part.value() instanceof ObjectNode event)) {
                rejected.add(new Rejection(i, null, "not a JSON object"));
                continue;
            }
            complete(event, client, sentAt, receivedAt);
            traffic.apply(event, client.bot(), address);
            try {
                accepted.add(codec.decode(JSON.writeValueAsBytes(event)));
            } catch (InvalidEventException e) {
                rejected.add(new Rejection(i, e.field(), e.reason()));
            } catch (Exception e) {
                rejected.add(new Rejection(i, null, "unreadable event: " + e.getMessage()));
            }
        }
        return new Result(accepted, rejected);
    }

    private static void complete(ObjectNode event, UserAgents.Client client, Instant sentAt, Instant receivedAt) {
        if (!event.has("event_id")) {
            event.put("event_id", UUID.randomUUID().toString());
        }
        JsonNode timestamp = event.get("timestamp");
        if (timestamp == null || timestamp.isNull()) {
            event.put("timestamp", format(receivedAt));
        } else if (sentAt != null && timestamp.isTextual()) {
            try {
                Instant happened = Instant.parse(timestamp.textValue());
                Duration beforeSending = Duration.between(happened, sentAt);
                Instant derived = beforeSending.isNegative() ? receivedAt : receivedAt.minus(beforeSending);
                event.put("timestamp", format(derived));
            } catch (DateTimeParseException e) {
                // left as sent: the codec names the field and the problem
            }
        }
        event.put("device", client.device());
        event.put("browser", client.browser());
        event.put("os", client.os());
    }

    private static String format(Instant at) {
        return at.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
