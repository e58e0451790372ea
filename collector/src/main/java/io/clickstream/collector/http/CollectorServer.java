package io.clickstream.collector.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.kafka.EventPublisher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The collector's HTTP server (the JDK's own {@code com.sun.net.httpserver}: no dependency, and
 * measured well above the load a collector instance takes, see BENCHMARKS.md):
 * {@code POST /v1/events} ({@link EventsEndpoint}), {@code GET /tracker.js}, {@code GET /demo},
 * {@code GET /health}, {@code GET /metrics}. Requests run on a fixed pool of threads, each
 * waiting for Kafka's acknowledgement of its events.
 */
public final class CollectorServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService threads;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public record Limits(int maxBodyBytes, int maxEventsPerRequest, int threads) {}

    public CollectorServer(
            String host,
            int port,
            Cors cors,
            Limits limits,
            EventIntake intake,
            EventPublisher publisher,
            CollectorMetrics metrics)
            throws IOException {
        // Responses go out as headers then body: without TCP_NODELAY, Nagle's algorithm and the
        // client's delayed ACK hold each answer on a kept-alive connection ~40 ms (measured: 700
        // requests/s with 32 connections instead of 37,000). Read when the first server is created.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.server = HttpServer.create(new InetSocketAddress(host, port), 1024);
        this.threads = Executors.newFixedThreadPool(limits.threads(), task -> {
            Thread thread = new Thread(task, "collector-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(threads);
        server.createContext(
                "/v1/events",
                new EventsEndpoint(
                        cors,
                        limits.maxBodyBytes(),
                        limits.maxEventsPerRequest(),
                        intake,
                        publisher,
                        metrics,
                        stopping::get,
                        Instant::now));
        byte[] tracker = resource("tracker.js");
        byte[] demo = resource("demo.html");
        server.createContext(
                "/tracker.js", exchange -> get(exchange, "application/javascript; charset=utf-8", tracker));
        server.createContext("/demo", exchange -> get(exchange, "text/html; charset=utf-8", demo));
        server.createContext("/health", exchange -> {
            boolean up = !stopping.get();
            get(
                    exchange,
                    up ? 200 : 503,
                    "application/json",
                    utf8("{\"status\":\"" + (up ? "UP" : "STOPPING") + "\"}\n"));
        });
        server.createContext(
                "/metrics", exchange -> get(exchange, "text/plain; version=0.0.4", utf8(metrics.prometheus())));
        server.createContext("/", exchange -> {
            if (exchange.getRequestURI().getPath().equals("/")) {
                exchange.getResponseHeaders().set("Location", "/demo");
                get(exchange, 302, "text/plain", utf8("see /demo\n"));
            } else {
                get(exchange, 404, "text/plain", utf8("not found: POST events to /v1/events\n"));
            }
        });
    }

    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /**
     * Stops taking requests: from now on POSTs are answered 503, the listening socket closes, and
     * requests in flight get up to {@code grace} to finish (their Kafka acknowledgement included).
     */
    public void stop(Duration grace) {
        stopping.set(true);
        server.stop((int) Math.max(1, grace.toSeconds()));
        threads.shutdown();
        try {
            threads.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(1));
    }

    private static byte[] resource(String name) {
        try (InputStream in = CollectorServer.class.getResourceAsStream("/collector/" + name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource /collector/" + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void get(HttpExchange exchange, String type, byte[] body) throws IOException {
        if (!exchange.getRequestMethod().equals("GET")
                && !exchange.getRequestMethod().equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            get(exchange, 405, "text/plain", utf8("method not allowed\n"));
            return;
        }
        get(exchange, 200, type, body);
    }

    private static void get(HttpExchange exchange, int status, String type, byte[] body) throws IOException {
        try (exchange) {
            exchange.getResponseHeaders().set("Content-Type", type);
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            boolean head = exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, head ? -1 : body.length);
            if (!head) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
            }
        }
    }
}
