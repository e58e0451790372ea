package io.clickstream.collector.http;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import java.nio.charset.StandardCharsets;

/**
 * An answer written below the HTTP codec (straight to the socket), then the connection closed:
 * for a request that never arrived whole (too slow), or a connection refused before any request
 * is read (too many connections, too many bytes pending).
 */
final class RawAnswer {
    private RawAnswer() {}

    static void send(ChannelHandlerContext ctx, int status, String reason, String message) {
        byte[] body = ("{\"error\":\"" + message + "\"}").getBytes(StandardCharsets.UTF_8);
        String head = "HTTP/1.1 " + status + " " + reason + "\r\n"
                + "Content-Type: application/json\r\n"
                + (status == 503 ? "Retry-After: " + EventsEndpoint.RETRY_AFTER_SECONDS + "\r\n" : "")
                + "Content-Length: " + body.length + "\r\n"
                + "Connection: close\r\n\r\n";
        ctx.writeAndFlush(Unpooled.wrappedBuffer(head.getBytes(StandardCharsets.US_ASCII), body))
                .addListener(ChannelFutureListener.CLOSE);
    }
}
