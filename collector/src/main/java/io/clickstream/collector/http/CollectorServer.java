package io.clickstream.collector.http;

import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.kafka.EventPublisher;
import io.clickstream.collector.traffic.ClientAddresses;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The collector's HTTP server, on Netty: a few event-loop threads serve every connection, and a
 * request waiting for Kafka holds no thread, so slow clients and slow acknowledgements cost
 * memory (bounded below), never availability. {@code POST /v1/events} ({@link EventsEndpoint}),
 * {@code GET /tracker.js}, {@code GET /demo}, {@code GET /health} (ready: Kafka answers and the
 * collector is not stopping), {@code GET /health/live}, {@code GET /metrics}.
 *
 * <p>Per connection, in order: {@link ConnectionLimit}, {@link RequestDeadlines} (408 for a
 * request not whole within the request timeout, idle connections closed), the HTTP codec (414
 * above {@value #MAX_REQUEST_LINE_BYTES} bytes of request line, 431 above
 * {@value #MAX_HEADER_BYTES} bytes of headers), {@link BodyLimit} (413), {@link HttpRouter}.
 */
public final class CollectorServer implements AutoCloseable {
    static final int MAX_REQUEST_LINE_BYTES = 8 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /**
     * @param maxPendingBytes bytes of requests still arriving, over all connections (503 above)
     */
    public record Limits(
            int maxBodyBytes,
            int maxEventsPerRequest,
            int maxConnections,
            Duration requestTimeout,
            Duration idleTimeout,
            long maxPendingBytes) {}

    private final EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
    private final ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final HttpRouter.InFlight inFlight = new HttpRouter.InFlight();
    private final ServerBootstrap bootstrap;
    private final InetSocketAddress address;
    private final EventPublisher publisher;
    private Channel listening;

    /** A collector whose clients connect directly (no proxy trusted with their address). */
    public CollectorServer(
            String host,
            int port,
            Cors cors,
            Limits limits,
            EventIntake intake,
            EventPublisher publisher,
            CollectorMetrics metrics) {
        this(host, port, cors, limits, ClientAddresses.DIRECT, intake, publisher, metrics);
    }

    /** @param clientAddresses which proxies may say whom they forward a request for (its country) */
    public CollectorServer(
            String host,
            int port,
            Cors cors,
            Limits limits,
            ClientAddresses clientAddresses,
            EventIntake intake,
            EventPublisher publisher,
            CollectorMetrics metrics) {
        this.address = new InetSocketAddress(host, port);
        this.publisher = publisher;
        EventsEndpoint events = new EventsEndpoint(
                cors,
                limits.maxEventsPerRequest(),
                clientAddresses,
                intake,
                publisher,
                metrics,
                stopping::get,
                Instant::now);
        byte[] tracker = resource("tracker.js");
        byte[] demo = resource("demo.html");
        Map<String, Route> routes = Map.of(
                "/v1/events", events::handle,
                "/tracker.js", get(Response.of(200, "application/javascript; charset=utf-8", tracker)),
                "/demo", get(Response.of(200, "text/html; charset=utf-8", demo)),
                "/health", (request, peer) -> done(ready()),
                "/health/live",
                        (request, peer) ->
                                done(Response.json(200, JSON.createObjectNode().put("status", "UP"))),
                "/metrics",
                        (request, peer) -> done(Response.of(
                                200,
                                "text/plain; version=0.0.4",
                                metrics.prometheus().getBytes(StandardCharsets.UTF_8))),
                "/", (request, peer) -> done(Response.text(302, "see /demo\n").with("Location", "/demo")));
        Route notFound = (request, peer) -> done(Response.text(404, "not found: POST events to /v1/events\n"));
        ConnectionLimit connectionLimit = new ConnectionLimit(limits.maxConnections());
        RequestDeadlines.PendingBytes pending = new RequestDeadlines.PendingBytes(limits.maxPendingBytes());
        this.bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                // Answers go out in one write, but a delayed ACK would still hold a kept-alive
                // client's next request ~40 ms behind Nagle's algorithm without this.
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        RequestDeadlines deadlines =
                                new RequestDeadlines(limits.requestTimeout(), limits.idleTimeout(), pending);
                        channel.pipeline()
                                .addLast(connectionLimit)
                                .addLast(deadlines)
                                .addLast(new HttpServerCodec(new HttpDecoderConfig()
                                        .setMaxInitialLineLength(MAX_REQUEST_LINE_BYTES)
                                        .setMaxHeaderSize(MAX_HEADER_BYTES)))
                                .addLast(new BodyLimit(limits.maxBodyBytes(), cors, metrics))
                                .addLast(new HttpRouter(routes, notFound, deadlines, metrics, inFlight));
                    }
                });
    }

    /** Readiness: Kafka answers and the collector is not stopping. */
    private Response ready() {
        boolean kafka = publisher.available();
        String status = stopping.get() ? "STOPPING" : kafka ? "UP" : "DOWN";
        return Response.json(
                status.equals("UP") ? 200 : 503,
                JSON.createObjectNode().put("status", status).put("kafka", kafka ? "UP" : "DOWN"));
    }

    private static CompletableFuture<Response> done(Response response) {
        return CompletableFuture.completedFuture(response);
    }

    /** A static resource: GET and HEAD (the codec leaves a HEAD answer's body out), 405 otherwise. */
    private static Route get(Response resource) {
        Response cached = resource.with("Cache-Control", "no-cache");
        return (request, peer) -> switch (request.method().name()) {
            case "GET", "HEAD" -> done(cached);
            default -> done(Response.text(405, "method not allowed\n").with("Allow", "GET, HEAD"));
        };
    }

    /** Binds the port; throws if it cannot (taken, not allowed). */
    public void start() throws IOException {
        try {
            listening = bootstrap.bind(address).sync().channel();
        } catch (Exception e) {
            close();
            throw new IOException(e.getMessage(), e);
        }
        publisher.start();
    }

    public int port() {
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    /**
     * Stops taking requests: from now on POSTs are answered 503, the listening socket closes, and
     * requests in flight get up to {@code grace} to finish (their Kafka acknowledgement included).
     */
    public void stop(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            return;
        }
        if (listening != null) {
            listening.close().awaitUninterruptibly();
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly();
        acceptor.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
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
}
