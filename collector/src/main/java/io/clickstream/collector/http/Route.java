package io.clickstream.collector.http;

import io.netty.handler.codec.http.FullHttpRequest;
import java.net.InetAddress;
import java.util.concurrent.CompletableFuture;

/** What answers a path: the request, and the address of the connection it came on. */
@FunctionalInterface
interface Route {
    CompletableFuture<Response> answer(FullHttpRequest request, InetAddress peer);
}
