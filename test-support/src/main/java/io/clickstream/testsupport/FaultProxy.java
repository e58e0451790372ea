package io.clickstream.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * A TCP proxy on loopback between a client and an HTTP server (ClickHouse), injecting the
 * faults real networks have, for INSERT requests (the statement in the URL's {@code query}
 * parameter, data in the body, as clickhouse-java sends them):
 * <ul>
 *   <li>{@link #cutInsertAnswers}: the request reaches the server, which acts on it; its answer
 *       is dropped and the client's connection reset (a load balancer reset, a server restart
 *       mid-answer); every answer until the count is reached, or every n-th;</li>
 *   <li>{@link #holdInsertAnswers}: the answer is held back for a while, then dropped the same
 *       way (a hung or very slow server, as the client sees it);</li>
 *   <li>{@link #gateInsertAnswers}: the answer is held until the test releases it, then delivered
 *       (a slow answer, with something else happening meanwhile);</li>
 *   <li>{@link #delayInsertRequests}: the request is held before the server sees it, until the
 *       test releases it, then sent on, even if the client gave up on it meanwhile (an insert
 *       waiting for a table lock past the client's timeout, that completes later);</li>
 *   <li>{@link #acknowledgeInsertsWithoutStoring}: the request never reaches the server; the
 *       proxy answers {@code 200} with a summary of 0 rows written (a server, or a front, that
 *       acknowledges what it did not store).</li>
 * </ul>
 * Everything else passes through untouched. Each connection is pumped by two daemon threads.
 * Faults are forced, never drawn at random: a test arms exactly the faults it counts, keeps its
 * traffic going until {@link #faultsInjected} reached them, and waits for {@link #answersHeld} to
 * return to 0 before it counts what was stored.
 */
public final class FaultProxy implements AutoCloseable {
    /** An INSERT statement in the URL's query parameter (not a setting such as async_insert). */
    private static final Pattern INSERT_REQUEST =
            Pattern.compile("[?&]query=INSERT(%20|\\+)", Pattern.CASE_INSENSITIVE);

    private final ServerSocket listener;
    private final InetSocketAddress target;
    private final AtomicInteger cutsLeft = new AtomicInteger();
    private volatile int cutEvery = 1;
    private final AtomicInteger insertsSinceCutArmed = new AtomicInteger();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger gatesLeft = new AtomicInteger();
    private volatile CountDownLatch gate = new CountDownLatch(0);
    private final AtomicInteger holdsLeft = new AtomicInteger();
    private final AtomicInteger fakesLeft = new AtomicInteger();
    private final AtomicInteger delaysLeft = new AtomicInteger();
    private volatile CountDownLatch delayGate = new CountDownLatch(0);
    private final AtomicInteger delayed = new AtomicInteger();
    private final AtomicInteger delayedLanded = new AtomicInteger();
    private volatile Duration hold = Duration.ZERO;
    private final AtomicInteger faultsInjected = new AtomicInteger();
    private final AtomicInteger insertsSeen = new AtomicInteger();
    private volatile boolean closed;

    private FaultProxy(ServerSocket listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    public static FaultProxy start(String targetHost, int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        FaultProxy proxy = new FaultProxy(listener, new InetSocketAddress(targetHost, targetPort));
        Thread acceptor = new Thread(proxy::acceptLoop, "fault-proxy-accept");
        acceptor.setDaemon(true);
        acceptor.start();
        return proxy;
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** The next {@code count} answers to INSERT requests are dropped after the server acted. */
    public void cutInsertAnswers(int count) {
        cutInsertAnswers(count, 1);
    }

    /**
     * Of the INSERT answers from now on, every {@code every}-th is dropped after the server acted,
     * until {@code count} were: with {@code every > 1} some answers in between arrive, so retries and
     * new batches interleave with the cuts.
     */
    public void cutInsertAnswers(int count, int every) {
        if (every < 1) {
            throw new IllegalArgumentException("every must be at least 1: " + every);
        }
        cutEvery = every;
        insertsSinceCutArmed.set(0);
        cutsLeft.addAndGet(count);
    }

    /**
     * The next {@code count} answers to INSERT requests (the server acted) are held until
     * {@link #releaseInsertAnswers()}, then delivered as they were.
     */
    public void gateInsertAnswers(int count) {
        gate = new CountDownLatch(1);
        gatesLeft.addAndGet(count);
    }

    /** Delivers the answers held by {@link #gateInsertAnswers}. */
    public void releaseInsertAnswers() {
        gate.countDown();
    }

    /** Answers held back right now (the client is still waiting, or the hold has not ended). */
    public int answersHeld() {
        return held.get();
    }

    /** The next {@code count} answers to INSERT requests are held for {@code duration}, then dropped. */
    public void holdInsertAnswers(int count, Duration duration) {
        hold = duration;
        holdsLeft.addAndGet(count);
    }

    /**
     * The next {@code count} INSERT requests are held before they reach the server until
     * {@link #releaseDelayedInserts()}, then sent on whether or not their client still waits.
     */
    public void delayInsertRequests(int count) {
        if (delayGate.getCount() == 0) {
            delayGate = new CountDownLatch(1);
        }
        delaysLeft.addAndGet(count);
    }

    /**
     * The next INSERT answer is cut after the server stored the insert, and from that moment every
     * INSERT request is delayed ({@link #delayInsertRequests}) until {@link #releaseDelayedInserts()}:
     * the client's re-sends wait while something else happens on the server, then land.
     */
    public void cutInsertAnswerThenDelayRequests() {
        delayAfterCut = true;
        cutInsertAnswers(1);
    }

    private volatile boolean delayAfterCut;

    /** Stops delaying further requests and sends the held ones on to the server. */
    public void releaseDelayedInserts() {
        delaysLeft.set(0);
        delayGate.countDown();
    }

    /** INSERT requests held by {@link #delayInsertRequests} so far. */
    public int insertsDelayed() {
        return delayed.get();
    }

    /** Delayed INSERT requests the server has answered (it acted on them) since they were sent on. */
    public int delayedInsertsLanded() {
        return delayedLanded.get();
    }

    /** The next {@code count} INSERT requests are swallowed and answered 200 by the proxy itself. */
    public void acknowledgeInsertsWithoutStoring(int count) {
        fakesLeft.addAndGet(count);
    }

    /** Faults armed and not yet applied (cuts, holds, gates, delays, fake answers): 0 once every one has happened. */
    public int faultsArmed() {
        return cutsLeft.get() + holdsLeft.get() + gatesLeft.get() + delaysLeft.get() + fakesLeft.get();
    }

    /** Answers cut, or held back (counted from the moment the hold starts), so far. */
    public int faultsInjected() {
        return faultsInjected.get();
    }

    public int insertsSeen() {
        return insertsSeen.get();
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(target, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                Connection connection = new Connection(client, server);
                pump("fault-proxy-up", () -> connection.forwardRequests());
                pump("fault-proxy-down", () -> connection.forwardAnswers());
            } catch (IOException e) {
                if (!closed) {
                    System.err.println("[FaultProxy] " + e);
                }
            }
        }
    }

    private static void pump(String name, IoTask task) {
        Thread thread = new Thread(
                () -> {
                    try {
                        task.run();
                    } catch (IOException ignored) {
                        // a closed socket ends the pump
                    }
                },
                name);
        thread.setDaemon(true);
        thread.start();
    }

    private interface IoTask {
        void run() throws IOException;
    }

    /** One client connection and its own connection to the server. */
    private final class Connection {
        private final Socket client;
        private final Socket server;
        private volatile boolean awaitingInsertAnswer;
        /** A delayed request sent on to the server: its answer counts as landed. */
        private volatile boolean delayedSent;

        Connection(Socket client, Socket server) {
            this.client = client;
            this.server = server;
        }

        void forwardRequests() throws IOException {
            byte[] buffer = new byte[65_536];
            InputStream in = client.getInputStream();
            OutputStream out = server.getOutputStream();
            boolean swallowing = false;
            java.io.ByteArrayOutputStream delaying = null;
            boolean sentLate = false; // a held request was handed to its own thread: it closes the connection
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    String start = new String(buffer, 0, Math.min(n, 2_048), StandardCharsets.ISO_8859_1);
                    if (!swallowing && (start.startsWith("POST ") || start.startsWith("GET "))) {
                        String requestLine = start.lines().findFirst().orElse("");
                        awaitingInsertAnswer =
                                INSERT_REQUEST.matcher(requestLine).find();
                        if (awaitingInsertAnswer) {
                            insertsSeen.incrementAndGet();
                            swallowing = take(fakesLeft);
                            if (!swallowing && take(delaysLeft)) {
                                delayed.incrementAndGet();
                                delaying = new java.io.ByteArrayOutputStream();
                            }
                        }
                    }
                    if (sentLate) {
                        continue; // the client may still write (nothing, normally) or close: ignored
                    }
                    if (delaying != null) {
                        delaying.write(buffer, 0, n);
                        if (endsChunkedBody(delaying.toByteArray())) {
                            // Complete: it goes on when released, whether the client gave up, waits, or is frozen.
                            byte[] request = delaying.toByteArray();
                            Thread late = new Thread(() -> sendLate(request, out), "fault-proxy-late-request");
                            late.setDaemon(true);
                            late.start();
                            sentLate = true;
                            delaying = null;
                        }
                        continue;
                    }
                    if (swallowing) {
                        // The request body is chunked (streamed): it ends with the zero-length chunk.
                        if (endsChunkedBody(java.util.Arrays.copyOf(buffer, n))) {
                            swallowing = false;
                            awaitingInsertAnswer = false;
                            faultsInjected.incrementAndGet();
                            acknowledge(client.getOutputStream());
                        }
                        continue;
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                if (!sentLate) {
                    throw e;
                }
                // the client gave up waiting and reset: the held request goes on all the same
            } finally {
                if (!sentLate) {
                    closeBoth(false);
                }
            }
        }

        /** Whether the bytes end a chunked request body (clickhouse-java streams insert data chunked). */
        private static boolean endsChunkedBody(byte[] request) {
            String tail = new String(
                    request, Math.max(0, request.length - 7), Math.min(request.length, 7), StandardCharsets.ISO_8859_1);
            return tail.endsWith("\r\n0\r\n\r\n") || tail.equals("0\r\n\r\n");
        }

        /** Sends a held request on once released; the answer ends the connection (see forwardAnswers). */
        private void sendLate(byte[] request, OutputStream toServer) {
            try {
                delayGate.await();
                delayedSent = true;
                toServer.write(request);
                toServer.flush();
            } catch (IOException | InterruptedException e) {
                closeBoth(false);
            }
        }

        private void acknowledge(OutputStream toClient) throws IOException {
            String answer = "HTTP/1.1 200 OK\r\n"
                    + "Content-Type: text/plain; charset=UTF-8\r\n"
                    + "X-ClickHouse-Query-Id: fault-proxy\r\n"
                    + "X-ClickHouse-Format: RowBinaryWithNamesAndTypes\r\n"
                    + "X-ClickHouse-Timezone: UTC\r\n"
                    + "X-ClickHouse-Summary: {\"read_rows\":\"0\",\"read_bytes\":\"0\",\"written_rows\":\"0\","
                    + "\"written_bytes\":\"0\",\"total_rows_to_read\":\"0\",\"result_rows\":\"0\",\"result_bytes\":\"0\","
                    + "\"elapsed_ns\":\"1\"}\r\n"
                    + "Content-Length: 0\r\n\r\n";
            synchronized (toClient) {
                toClient.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                toClient.flush();
            }
        }

        void forwardAnswers() throws IOException {
            byte[] buffer = new byte[65_536];
            InputStream in = server.getInputStream();
            OutputStream out = client.getOutputStream();
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    if (delayedSent) {
                        delayedLanded.incrementAndGet(); // the client is gone: the answer goes nowhere
                        return;
                    }
                    if (awaitingInsertAnswer) {
                        awaitingInsertAnswer = false;
                        if (take(gatesLeft)) {
                            held.incrementAndGet();
                            try {
                                gate.await();
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                                return;
                            } finally {
                                held.decrementAndGet();
                            }
                        } else if (take(holdsLeft)) {
                            held.incrementAndGet();
                            faultsInjected.incrementAndGet();
                            try {
                                sleep(hold);
                                closeBoth(true);
                            } finally {
                                held.decrementAndGet();
                            }
                            return;
                        }
                        if (cutsLeft.get() > 0
                                && insertsSinceCutArmed.incrementAndGet() % cutEvery == 0
                                && take(cutsLeft)) {
                            if (delayAfterCut) { // armed before the client sees the reset, so before any re-send
                                delayAfterCut = false;
                                delayInsertRequests(Integer.MAX_VALUE);
                            }
                            faultsInjected.incrementAndGet();
                            closeBoth(true);
                            return;
                        }
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } finally {
                closeBoth(false);
            }
        }

        private void closeBoth(boolean reset) {
            try {
                if (reset) {
                    client.setSoLinger(true, 0); // RST, as a reset by a peer looks to the client
                }
            } catch (IOException ignored) {
                // already closed
            }
            closeQuietly(client);
            closeQuietly(server);
        }
    }

    private static boolean take(AtomicInteger counter) {
        return counter.getAndUpdate(v -> v > 0 ? v - 1 : 0) > 0;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
    }
}
