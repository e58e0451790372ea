package io.clickstream.collector.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An answer to write: status, headers and body; {@code close} ends the connection after it (the
 * rest of the request was not read, or the collector is stopping).
 */
record Response(int status, Map<String, String> headers, byte[] body, boolean close) {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Response of(int status, String type, byte[] body) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", type);
        return new Response(status, headers, body, false);
    }

    static Response json(int status, ObjectNode body) {
        try {
            return of(status, "application/json", JSON.writeValueAsBytes(body));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e); // a tree of our own: cannot fail
        }
    }

    static Response error(int status, String message) {
        return json(status, JSON.createObjectNode().put("error", message));
    }

    static Response text(int status, String text) {
        return of(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    Response with(String header, String value) {
        Map<String, String> copy = new LinkedHashMap<>(headers);
        copy.put(header, value);
        return new Response(status, copy, body, close);
    }

    Response closing() {
        return new Response(status, headers, body, true);
    }

    /** As Netty writes it: the headers, Content-Length, and {@code Connection: close} if {@code close}. */
    FullHttpResponse toHttp(boolean close) {
        FullHttpResponse http = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), Unpooled.wrappedBuffer(body));
        headers.forEach((name, value) -> http.headers().set(name, value));
        http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        if (close) {
            http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return http;
    }
}
