package io.clickstream.model;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.UUID;

/**
 * One shopper interaction. The first six components are required; the enrichment
 * components ({@code sessionId} .. {@code os}) may be {@code null}.
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
        String os) {

    public ClickEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(eventType, "eventType");
        Objects.requireNonNull(userId, "userId");
        Objects.requireNonNull(productId, "productId");
        Objects.requireNonNull(price, "price");
        Objects.requireNonNull(timestamp, "timestamp");
        timestamp = timestamp.truncatedTo(ChronoUnit.MILLIS);
    }

    /** An event without enrichment. */
    public static ClickEvent of(
            UUID eventId, EventType type, String userId, String productId, BigDecimal price, Instant timestamp) {
        return new ClickEvent(eventId, type, userId, productId, price, timestamp, null, null, null, null, null);
    }
}
