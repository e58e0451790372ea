package io.clickstream.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps {@code count} slow connections open against the collector while a benchmark load runs:
 * half send their request line and a header slowly, one byte a second, and never finish; half
 * send headers with a Content-Length and part of the body, then nothing. The collector answers
 * each 408 after its request timeout and closes it; the connection is then opened again, so
 * {@code count} stay open the whole time (a slowloris that reconnects).
 */
final class SlowClients implements AutoCloseable {
    private final InetSocketAddress collector;
    private final List<Socket> sockets = new ArrayList<>();
    private final AtomicLong reopened = new AtomicLong();
    private final Thread dripper;
    private volatile boolean running = true;

    SlowClients(int port, int count) throws IOException {
        this.collector = new InetSocketAddress("127.0.0.1", port);
        for (int i = 0; i < count; i++) {
            sockets.add(open(i));
        }
        dripper = new Thread(this::drip, "slow-clients");
        dripper.setDaemon(true);
        dripper.start();
    }

    private Socket open(int i) throws IOException {
        Socket socket = new Socket();
        socket.connect(collector, 10_000);
        String start = i % 2 == 0
                ? "POST /v1/events HTTP/1.1\r\nHost: collector\r\nX-Slow: "
                : "POST /v1/events HTTP/1.1\r\nHost: collector\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 1000\r\n\r\n{\"event_type\":";
        socket.getOutputStream().write(start.getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    /** Once a second: one more byte on every connection; one the collector closed is opened again. */
    private void drip() {
        while (running) {
            for (int i = 0; i < sockets.size() && running; i++) {
                Socket socket = sockets.get(i);
                try {
                    if (socket.getInputStream().available() > 0) { // answered (408): closed by the collector
                        throw new IOException("answered");
                    }
                    socket.getOutputStream().write('x');
                } catch (IOException closed) {
                    try {
                        socket.close();
                        sockets.set(i, open(i));
                        reopened.incrementAndGet();
                    } catch (IOException e) {
                        // the collector refused it (its connection limit): tried again next round
                    }
                }
            }
            try {
                Thread.sleep(1_000);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** How many were answered (408) and opened again. */
    long reopened() {
        return reopened.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        dripper.interrupt();
        dripper.join();
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
