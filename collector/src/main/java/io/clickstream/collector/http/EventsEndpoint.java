package io.clickstream.collector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.RequestBody;
import io.clickstream.collector.ingest.RequestRejectedException;
import io.clickstream.collector.kafka.EventPublisher;
import io.clickstream.collector.traffic.ClientAddresses;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events} (and its CORS preflight). Answers, in this order of checks:
 * <ul>
 *   <li>503 + Retry-After while shutting down; 403 for a browser origin not on the allow-list;</li>
 *   <li>413 for a body over the limit (before it is read: {@link CollectorServer}) or too many
 *       events; 415 for a content type we do not read; 400 for a body that is not UTF-8 JSON, or
 *       when no event of it is valid (the body lists each with field and reason);</li>
 *   <li>503 + Retry-After at once while Kafka is known to be down ({@link EventPublisher#available()});</li>
 *   <li>202 once Kafka acknowledged every valid event, listing the invalid ones (if any);</li>
 *   <li>503 + Retry-After when Kafka did not acknowledge them in time: nothing is claimed
 *       stored that Kafka did not take.</li>
 * </ul>
 * Nothing here blocks: the answer completes when Kafka answers.
 */
final class EventsEndpoint {
    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RETRY_AFTER_SECONDS = "5";

    private final Cors cors;
    private final int maxEvents;
    private static final String FORWARDED_FOR = "X-Forwarded-For";

    private final ClientAddresses clientAddresses;
    private final EventIntake intake;
    private final EventPublisher publisher;
    private final CollectorMetrics metrics;
    private final BooleanSupplier stopping;
    private final Supplier<Instant> clock;

    EventsEndpoint(
            Cors cors,
            int maxEvents,
            ClientAddresses clientAddresses,
            EventIntake intake,
            EventPublisher publisher,
            CollectorMetrics metrics,
            BooleanSupplier stopping,
            Supplier<Instant> clock) {
        this.cors = cors;
        this.maxEvents = maxEvents;
        this.clientAddresses = clientAddresses;
        this.intake = intake;
        this.publisher = publisher;
        this.metrics = metrics;
        this.stopping = stopping;
        this.clock = clock;
    }

    /** The answer to a request for {@code /v1/events}, with its CORS headers. */
    CompletableFuture<Response> handle(FullHttpRequest request, InetAddress peer) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        boolean allowed = cors.allows(origin);
        CompletableFuture<Response> answer = switch (request.method().name()) {
            case "OPTIONS" -> CompletableFuture.completedFuture(preflight(allowed));
            case "POST" -> post(request, peer, origin, allowed);
            default ->
                CompletableFuture.completedFuture(
                        Response.error(405, "method " + request.method() + " not allowed: POST events here")
                                .with("Allow", "POST, OPTIONS"));
        };
        if (!allowed || origin == null) {
            return answer;
        }
        return answer.thenApply(response -> response.with("Access-Control-Allow-Origin", origin)
                .with("Access-Control-Expose-Headers", "Retry-After")
                .with("Vary", "Origin"));
    }

    private static Response preflight(boolean allowed) {
        if (!allowed) {
            return Response.error(403, "origin not allowed");
        }
        return new Response(204, new java.util.LinkedHashMap<>(), new byte[0], false)
                .with("Access-Control-Allow-Methods", "POST, OPTIONS")
                .with("Access-Control-Allow-Headers", "Content-Type")
                .with("Access-Control-Max-Age", Cors.MAX_AGE_SECONDS);
    }

    private CompletableFuture<Response> post(
            FullHttpRequest request, InetAddress peer, String origin, boolean allowed) {
        if (stopping.getAsBoolean()) {
            return done(unavailable("the collector is shutting down; retry").closing());
        }
        if (!allowed) {
            return done(Response.error(403, "origin '" + origin + "' is not allowed to send events"));
        }
        Instant receivedAt = clock.get();
        List<RequestBody.Part> parts;
        Instant sentAt;
        try {
            parts = RequestBody.split(
                    request.headers().get(HttpHeaderNames.CONTENT_TYPE),
                    ByteBufUtil.getBytes(request.content()),
                    maxEvents);
            sentAt = sentAt(request.uri());
        } catch (RequestRejectedException e) {
            return done(Response.error(e.status(), e.getMessage()));
        } catch (IllegalArgumentException e) {
            return done(Response.error(400, e.getMessage()));
        }
        // The client's address: for its country, then dropped (never stored, logged or sent on).
        InetAddress client = clientAddresses.of(peer, request.headers().getAll(FORWARDED_FOR));
        EventIntake.Result result =
                intake.accept(parts, request.headers().get(HttpHeaderNames.USER_AGENT), client, sentAt, receivedAt);
        metrics.rejected.add(result.rejected().size());
        if (result.accepted().isEmpty()) {
            return done(Response.json(400, outcome(0, result.rejected())));
        }
        int accepted = result.accepted().size();
        if (!publisher.available()) {
            metrics.notAcknowledged.add(accepted);
            return done(unavailable("Kafka is unavailable; nothing of this request is acknowledged, retry it"));
        }
        return publisher.publish(result.accepted()).handle((ok, failure) -> {
            if (failure == null) {
                metrics.accepted.add(accepted);
                return Response.json(202, outcome(accepted, result.rejected()));
            }
            Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
            metrics.notAcknowledged.add(accepted);
            LOG.warn("{} events answered 503: {}", accepted, cause.getMessage());
            return unavailable("Kafka is unavailable; nothing of this request is acknowledged, retry it");
        });
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    private static Response unavailable(String message) {
        return Response.error(503, message).with("Retry-After", RETRY_AFTER_SECONDS);
    }

    /** {@code ?sent_at=<epoch millis>}: when the page sent the request, by its clock. */
    private static Instant sentAt(String uri) {
        List<String> values = new QueryStringDecoder(uri).parameters().get("sent_at");
        if (values == null || values.isEmpty()) {
            return null;
        }
        try {
            return Instant.ofEpochMilli(Long.parseLong(values.get(0)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("sent_at must be epoch milliseconds, got '" + values.get(0) + "'");
        }
    }

    private static ObjectNode outcome(int accepted, List<EventIntake.Rejection> rejected) {
        ObjectNode body = JSON.createObjectNode().put("accepted", accepted);
        ArrayNode list = body.putArray("rejected");
        for (EventIntake.Rejection r : rejected) {
            ObjectNode item = list.addObject().put("index", r.index());
            if (r.field() != null) {
                item.put("field", r.field());
            }
            item.put("reason", r.reason());
        }
        return body;
    }
}
