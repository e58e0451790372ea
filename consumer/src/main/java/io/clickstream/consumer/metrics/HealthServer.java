package io.clickstream.consumer.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code GET /health}: 200 while the ingest loop polls (ClickHouse being down is reported but
 * healthy: the consumer is doing its job, buffering in Kafka); 503 when the loop is stuck.
 * {@code GET /metrics}: Prometheus text format.
 */
public final class HealthServer implements AutoCloseable {
    private final HttpServer server;

    private HealthServer(HttpServer server) {
        this.server = server;
    }

    public static HealthServer start(int port, IngestMetrics metrics, Duration stuckAfter) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(port), 16);
        server.createContext("/health", exchange -> {
            long sincePoll = System.currentTimeMillis() - metrics.lastPollAt.get();
            boolean polling = sincePoll < stuckAfter.toMillis();
            String body = String.format(
                    "{\"status\":\"%s\",\"clickhouse\":\"%s\",\"last_poll_ms_ago\":%d,\"lag\":%d}%n",
                    polling ? "UP" : "DOWN",
                    metrics.clickHouseUp.get() == 1 ? "UP" : "DOWN",
                    sincePoll,
                    metrics.lag.get());
            respond(exchange, polling ? 200 : 503, "application/json", body);
        });
        server.createContext(
                "/metrics", exchange -> respond(exchange, 200, "text/plain; version=0.0.4", metrics.prometheus()));
        server.start();
        return new HealthServer(server);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void respond(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
