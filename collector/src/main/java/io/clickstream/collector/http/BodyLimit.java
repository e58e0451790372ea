package io.clickstream.collector.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;

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
        String origin = oversized.headers().get(HttpHeaderNames.ORIGIN);
        if (origin != null && cors.allows(origin)) {
            answer = answer.with("Access-Control-Allow-Origin", origin).with("Vary", "Origin");
        }
        FullHttpResponse http = answer.toHttp(true);
        ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
    }
}
