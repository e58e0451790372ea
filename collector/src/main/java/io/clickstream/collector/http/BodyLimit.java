package io.clickstream.collector.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * Gathers a request's body up to {@code maxBodyBytes}; a larger one is answered 413 (from its
 * Content-Length, before any of it is read, or as soon as it grows past the limit) with the
 * same JSON error and CORS headers as the endpoint's own answers, and the connection is closed:
 * the rest is never read.
 */
final class BodyLimit extends HttpObjectAggregator {
    private final int maxBodyBytes;
    private final Cors cors;
    private final CollectorMetrics metrics;

    BodyLimit(int maxBodyBytes, Cors cors, CollectorMetrics metrics) {
        super(maxBodyBytes);
        this.maxBodyBytes = maxBodyBytes;
        this.cors = cors;
        this.metrics = metrics;
    }

    @Override
    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
        metrics.answered(413);
        Response answer = Response.error(413, "body larger than " + maxBodyBytes + " bytes");
        FullHttpResponse http = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1,
                HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                Unpooled.wrappedBuffer(answer.body()));
        answer.headers().forEach((name, value) -> http.headers().set(name, value));
        String origin = oversized.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && cors.allows(origin)) {
            http.headers().set(HttpHeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
            http.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ORIGIN);
        }
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, answer.body().length);
        http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
}
