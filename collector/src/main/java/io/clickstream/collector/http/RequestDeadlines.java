package io.clickstream.collector.http;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Slow clients cost memory, not availability: the first handler of every connection, it sees the
 * raw bytes. A request must arrive whole (request line, headers and body) within
 * {@code requestTimeout} of its first byte, however slowly it is dripped, or it is answered 408
 * and the connection closed; a kept-alive connection with no request for {@code idleTimeout} is
 * closed. The bytes of requests still arriving, over all connections, are capped at
 * {@code maxPendingBytes}: a connection that would go over is answered 503 and closed.
 */
final class RequestDeadlines extends ChannelDuplexHandler {
    /** Shared by every connection: bytes of requests not yet whole. */
    static final class PendingBytes {
        private final AtomicLong bytes = new AtomicLong();
        private final long max;

        PendingBytes(long max) {
            this.max = max;
        }

        boolean tryAdd(long n) {
            if (bytes.addAndGet(n) > max) {
                bytes.addAndGet(-n);
                return false;
            }
            return true;
        }

        void release(long n) {
            bytes.addAndGet(-n);
        }

        long current() {
            return bytes.get();
        }
    }

    private final long requestTimeoutNanos;
    private final long idleTimeoutNanos;
    private final PendingBytes pending;
    /** Bytes of the request now arriving, counted in {@link #pending}; -1 between requests. */
    private long arriving = -1;

    private boolean responding;
    private ScheduledFuture<?> timer;

    RequestDeadlines(Duration requestTimeout, Duration idleTimeout, PendingBytes pending) {
        this.requestTimeoutNanos = requestTimeout.toNanos();
        this.idleTimeoutNanos = idleTimeout.toNanos();
        this.pending = pending;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        idle(ctx);
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf bytes && !responding) {
            if (arriving < 0) { // the first byte of a request: its clock starts
                arriving = 0;
                schedule(ctx, requestTimeoutNanos, () -> {
                    if (arriving >= 0 && ctx.channel().isActive()) {
                        RawAnswer.send(ctx, 408, "Request Timeout", "the request did not arrive in time");
                    }
                });
            }
            int n = bytes.readableBytes();
            if (!pending.tryAdd(n)) {
                bytes.release();
                RawAnswer.send(ctx, 503, "Service Unavailable", "too many requests arriving at once; retry");
                return;
            }
            arriving += n;
        }
        super.channelRead(ctx, msg);
    }

    /** The request arrived whole (the router has it): its clock stops while it is answered. */
    void arrived(ChannelHandlerContext ctx) {
        releasePending();
        responding = true;
        cancel();
    }

    /** The answer went out: the connection waits for its next request, at most the idle timeout. */
    void answered(ChannelHandlerContext ctx) {
        responding = false;
        idle(ctx);
    }

    private void idle(ChannelHandlerContext ctx) {
        schedule(ctx, idleTimeoutNanos, () -> {
            if (arriving < 0 && !responding) {
                ctx.close();
            }
        });
    }

    private void schedule(ChannelHandlerContext ctx, long nanos, Runnable task) {
        cancel();
        timer = ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void releasePending() {
        if (arriving > 0) {
            pending.release(arriving);
        }
        arriving = -1;
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        releasePending();
        super.channelInactive(ctx);
    }
}
