package io.clickstream.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One shopper interaction. The first six components are required; the enrichment
 * components ({@code sessionId} .. {@code categoryId}) may be {@code null}. {@code orderId}: the
 * order (transaction) a purchase belongs to; the items of one checkout share it, so order
 * counts and average order value count checkouts, not purchase rows. {@code brand} and
 * {@code categoryId}: the product's, as recorded clickstreams carry them.
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
        String categoryId) {

    public ClickEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(timestamp, "timestamp");
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
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
                categoryId);
    }

    /** An event without enrichment. */
    public static ClickEvent of(
            UUID eventId, EventType type, String userId, String productId, BigDecimal price, Instant timestamp) {
        return new ClickEvent(
                eventId, type, userId, productId, price, timestamp, null, null, null, null, null, null, null, null);
    }
}
