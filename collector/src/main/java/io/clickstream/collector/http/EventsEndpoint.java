package io.clickstream.collector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.RequestBody;
import io.clickstream.collector.ingest.RequestRejectedException;
import io.clickstream.collector.kafka.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /v1/events} (and its CORS preflight). Answers, in this order of checks:
 * <ul>
 *   <li>503 + Retry-After while shutting down; 403 for a browser origin not on the allow-list;</li>
 *   <li>413 for a body over the limit (from Content-Length before reading, or while reading) or
 *       too many events; 415 for a content type we do not read; 400 for a body that is not
 *       UTF-8 JSON, or when no event of it is valid (the body lists each with field and reason);</li>
 *   <li>202 once Kafka acknowledged every valid event, listing the invalid ones (if any);</li>
 *   <li>503 + Retry-After when Kafka did not acknowledge them in time: nothing is claimed
 *       stored that Kafka did not take.</li>
 * </ul>
 */
final class EventsEndpoint implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(EventsEndpoint.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String RETRY_AFTER_SECONDS = "5";

    private final Cors cors;
    private final int maxBodyBytes;
    private final int maxEvents;
    private final EventIntake intake;
    private final EventPublisher publisher;
    private final CollectorMetrics metrics;
    private final BooleanSupplier stopping;
    private final Supplier<Instant> clock;

    EventsEndpoint(
            Cors cors,
            int maxBodyBytes,
            int maxEvents,
            EventIntake intake,
            EventPublisher publisher,
            CollectorMetrics metrics,
            BooleanSupplier stopping,
            Supplier<Instant> clock) {
        this.cors = cors;
        this.maxBodyBytes = maxBodyBytes;
        this.maxEvents = maxEvents;
        this.intake = intake;
        this.publisher = publisher;
        this.metrics = metrics;
        this.stopping = stopping;
        this.clock = clock;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String origin = exchange.getRequestHeaders().getFirst("Origin");
            boolean allowed = cors.allows(origin);
            if (allowed && origin != null) {
                exchange.getResponseHeaders().set("Access-Control-Allow-Origin", origin);
                exchange.getResponseHeaders().set("Vary", "Origin");
            }
            switch (exchange.getRequestMethod()) {
                case "OPTIONS" -> preflight(exchange, allowed);
                case "POST" -> post(exchange, origin, allowed);
                default -> {
                    exchange.getResponseHeaders().set("Allow", "POST, OPTIONS");
                    error(exchange, 405, "method " + exchange.getRequestMethod() + " not allowed: POST events here");
                }
            }
        }
    }

    private void preflight(HttpExchange exchange, boolean allowed) throws IOException {
        if (!allowed) {
            error(exchange, 403, "origin not allowed");
            return;
        }
        exchange.getResponseHeaders().set("Access-Control-Allow-Methods", "POST, OPTIONS");
        exchange.getResponseHeaders().set("Access-Control-Allow-Headers", "Content-Type");
        exchange.getResponseHeaders().set("Access-Control-Max-Age", Cors.MAX_AGE_SECONDS);
        exchange.sendResponseHeaders(204, -1);
    }

    private void post(HttpExchange exchange, String origin, boolean allowed) throws IOException {
        if (stopping.getAsBoolean()) {
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            exchange.getResponseHeaders().set("Connection", "close");
            answer(exchange, 503, error("the collector is shutting down; retry"));
            return;
        }
        if (!allowed) {
            answer(exchange, 403, error("origin '" + origin + "' is not allowed to send events"));
            return;
        }
        Instant receivedAt = clock.get();
        List<RequestBody.Part> parts;
        try {
            byte[] body = readBody(exchange);
            parts = RequestBody.split(exchange.getRequestHeaders().getFirst("Content-Type"), body, maxEvents);
        } catch (RequestRejectedException e) {
            answer(exchange, e.status(), error(e.getMessage()));
            return;
        }
        Instant sentAt;
        try {
            sentAt = sentAt(exchange);
        } catch (IllegalArgumentException e) {
            answer(exchange, 400, error(e.getMessage()));
            return;
        }
        EventIntake.Result result =
                intake.accept(parts, exchange.getRequestHeaders().getFirst("User-Agent"), sentAt, receivedAt);
        metrics.rejected.add(result.rejected().size());
        if (result.accepted().isEmpty()) {
            answer(exchange, 400, outcome(0, result.rejected()));
            return;
        }
        try {
            publisher.publish(result.accepted());
        } catch (EventPublisher.NotAcknowledgedException e) {
            metrics.notAcknowledged.add(result.accepted().size());
            LOG.warn("{} events answered 503: {}", result.accepted().size(), e.getMessage());
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            answer(exchange, 503, error("Kafka is unavailable; nothing of this request is acknowledged, retry it"));
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exchange.getResponseHeaders().set("Retry-After", RETRY_AFTER_SECONDS);
            answer(exchange, 503, error("interrupted before Kafka acknowledged; retry"));
            return;
        }
        metrics.accepted.add(result.accepted().size());
        answer(exchange, 202, outcome(result.accepted().size(), result.rejected()));
    }

    /** The body, refusing more than the limit without reading it all. */
    private byte[] readBody(HttpExchange exchange) throws IOException, RequestRejectedException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > maxBodyBytes) {
                    exchange.getResponseHeaders().set("Connection", "close"); // the rest is not read
                    throw tooLarge();
                }
            } catch (NumberFormatException e) {
                throw new RequestRejectedException(400, "Content-Length is not a number");
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                exchange.getResponseHeaders().set("Connection", "close");
                throw tooLarge();
            }
            return body;
        }
    }

    private RequestRejectedException tooLarge() {
        return new RequestRejectedException(413, "body larger than " + maxBodyBytes + " bytes");
    }

    /** {@code ?sent_at=<epoch millis>}: when the page sent the request, by its clock. */
    private static Instant sentAt(HttpExchange exchange) {
        String query = exchange.getRequestURI().getRawQuery();
        if (query == null) {
            return null;
        }
        for (String parameter : query.split("&")) {
            if (parameter.startsWith("sent_at=")) {
                try {
                    return Instant.ofEpochMilli(Long.parseLong(parameter.substring("sent_at=".length())));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("sent_at must be epoch milliseconds, got '"
                            + parameter.substring("sent_at=".length()) + "'");
                }
            }
        }
        return null;
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

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("error", message);
    }

    private void error(HttpExchange exchange, int status, String message) throws IOException {
        answer(exchange, status, error(message));
    }

    private void answer(HttpExchange exchange, int status, ObjectNode body) throws IOException {
        metrics.answered(status);
        byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
