package io.clickstream.collector.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers whole requests, one at a time per connection, in order: reading from the connection
 * stops while its answer is pending (a request waits for Kafka), so a client that pipelines
 * gets its answers in order and cannot queue unbounded work. A request the codec could not read
 * is answered with what was wrong: 414 for a request line too long, 431 for headers too big,
 * 400 otherwise, and the connection is closed.
 */
final class HttpRouter extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final Logger LOG = LoggerFactory.getLogger(HttpRouter.class);
    private static final String COUNTED_PATH = "/v1/events";

    private final Map<String, Route> routes;
    private final Route fallback;
    private final RequestDeadlines deadlines;
    private final CollectorMetrics metrics;
    private final InFlight inFlight;

    /** Requests being answered, over all connections: a stop waits for them. */
    static final class InFlight {
        private final java.util.concurrent.atomic.AtomicInteger count = new java.util.concurrent.atomic.AtomicInteger();

        int get() {
            return count.get();
        }
    }

    HttpRouter(
            Map<String, Route> routes,
            Route fallback,
            RequestDeadlines deadlines,
            CollectorMetrics metrics,
            InFlight inFlight) {
        this.routes = routes;
        this.fallback = fallback;
        this.deadlines = deadlines;
        this.metrics = metrics;
        this.inFlight = inFlight;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        deadlines.arrived(ctx);
        inFlight.count.incrementAndGet();
        if (!request.decoderResult().isSuccess()) {
            write(ctx, unreadable(request.decoderResult().cause()).closing(), false, true);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(request);
        String path = new QueryStringDecoder(request.uri()).path();
        boolean counted = path.equals(COUNTED_PATH);
        CompletableFuture<Response> answer;
        try {
            InetAddress peer =
                    ctx.channel().remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress() : null;
            answer = routes.getOrDefault(path, fallback).answer(request, peer);
        } catch (RuntimeException e) {
            LOG.error("request {} {} failed", request.method(), request.uri(), e);
            answer = CompletableFuture.completedFuture(Response.error(500, "internal error"));
        }
        if (answer.isDone()) {
            write(ctx, answer.join(), keepAlive, counted);
            return;
        }
        ctx.channel().config().setAutoRead(false); // one request at a time: the next waits in the socket
        answer.whenComplete((response, failure) -> ctx.executor().execute(() -> {
            ctx.channel().config().setAutoRead(true);
            write(ctx, failure == null ? response : Response.error(500, "internal error"), keepAlive, counted);
        }));
    }

    private static Response unreadable(Throwable cause) {
        if (cause instanceof TooLongHttpLineException) {
            return Response.error(414, "request line too long");
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return Response.error(431, "request headers too large");
        }
        if (cause instanceof TooLongFrameException) {
            return Response.error(431, cause.getMessage());
        }
        return Response.error(400, "not a valid HTTP request: " + cause.getMessage());
    }

    /** @param counted whether the answer counts in the metrics' answers to {@code POST /v1/events} */
    private void write(ChannelHandlerContext ctx, Response response, boolean keepAlive, boolean counted) {
        if (counted) {
            metrics.answered(response.status());
        }
        boolean close = response.close() || !keepAlive;
        ctx.writeAndFlush(response.toHttp(close)).addListener(written -> {
            inFlight.count.decrementAndGet();
            if (close || !written.isSuccess()) {
                ctx.close();
            } else {
                deadlines.answered(ctx);
            }
        });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("connection closed: {}", cause.toString()); // resets and the like: nothing to answer
        ctx.close();
    }
}
