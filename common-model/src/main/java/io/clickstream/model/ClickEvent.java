package io.clickstream.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One shopper interaction. The first six components are required; the enrichment
 * components ({@code sessionId} .. {@code categoryId}, {@code customerId}) may be {@code null}.
 * {@code orderId}: the order (transaction) a purchase belongs to; the items of one checkout
 * share it, so order counts and average order value count checkouts, not purchase rows.
 * {@code brand} and {@code categoryId}: the product's, as recorded clickstreams carry them.
 * {@code traffic}: where the event came from ({@link Traffic#NONE} if unknown);
 * {@code customerId}: the shop's own id of a known (logged-in) customer; {@code properties}:
 * custom properties ({@link EventProperties#NONE} if none).
 *
 * <p>Invariants (enforced by {@link EventCodec#decode}, assumed by everything downstream):
 * {@code price >= 0} with at most {@value EventCodec#PRICE_SCALE} decimals, {@code timestamp}
 * at millisecond precision, identifiers non-blank.
 */
public record ClickEvent(
        UUID eventId,
        EventType eventType,
        String userId,
        String productId,
        BigDecimal price,
        Instant timestamp,
        String sessionId,
        String category,
        String device,
        String browser,
        String os,
        String orderId,
        String brand,
        String categoryId,
        Traffic traffic,
        String customerId,
        EventProperties properties) {

    public ClickEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(timestamp, "timestamp");
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
        traffic = traffic == null ? Traffic.NONE : traffic;
        properties = properties == null ? EventProperties.NONE : properties;
    }

    /** An event without traffic, customer or properties (a simulated or replayed one, before it has them). */
    public ClickEvent(
            UUID eventId,
            EventType eventType,
            String userId,
            String productId,
            BigDecimal price,
            Instant timestamp,
            String sessionId,
            String category,
            String device,
            String browser,
            String os,
            String orderId,
            String brand,
            String categoryId) {
        this(
                eventId,
                eventType,
                userId,
                productId,
                price,
                timestamp,
                sessionId,
                category,
                device,
                browser,
                os,
                orderId,
                brand,
                categoryId,
                Traffic.NONE,
                null,
                EventProperties.NONE);
    }

    /** The same event with traffic, a customer and properties. */
    public ClickEvent with(Traffic traffic, String customerId, EventProperties properties) {
        return new ClickEvent(
                eventId,
                eventType,
                userId,
                productId,
                price,
                timestamp,
                sessionId,
                category,
                device,
                browser,
                os,
                orderId,
                brand,
                categoryId,
                traffic,
                customerId,
                properties);
    }

    /** The same event at another time (a replay stamped with the time it is sent). */
    public ClickEvent withTimestamp(Instant at) {
        return new ClickEvent(
                eventId,
                eventType,
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
                traffic,
                customerId,
                properties);
    }

    /** An event without enrichment. */
    public static ClickEvent of(
            UUID eventId, EventType type, String userId, String productId, BigDecimal price, Instant timestamp) {
        return new ClickEvent(
                eventId, type, userId, productId, price, timestamp, null, null, null, null, null, null, null, null);
    }
}
