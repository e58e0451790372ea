package io.clickstream.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.collector.http.CollectorMetrics;
import io.clickstream.collector.http.CollectorServer;
import io.clickstream.collector.http.Cors;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.UserAgents;
import io.clickstream.collector.kafka.EventPublisher;
import io.clickstream.model.EventCodec;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Slow and hostile clients cost memory, not availability: hundreds of connections that drip
 * their headers or stall their bodies do not keep a normal client from being served, and each
 * of them is answered 408 once its request timeout passes, however slowly it keeps sending.
 * Requests too big in any part get their status (414, 431, 413), not a reset. Real broker, real
 * sockets; no assertion on latency.
 */
@ExtendWith(RealServices.class)
class HostileClientsIT {
    private static final String ORIGIN = "https://shop.example.com";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);
    private static final int SLOW_CONNECTIONS = 600;

    private static CollectorServer start(KafkaService kafka, String topic, int maxConnections) throws IOException {
        CollectorServer server = new CollectorServer(
                "127.0.0.1",
                0,
                Cors.parse(ORIGIN),
                new CollectorServer.Limits(
                        64 * 1024, 100, maxConnections, REQUEST_TIMEOUT, Duration.ofSeconds(60), 64L * 1024 * 1024),
                new EventIntake(new EventCodec(), new UserAgents()),
                new EventPublisher(kafka.bootstrapServers(), topic, Duration.ofSeconds(10)),
                new CollectorMetrics());
        server.start();
        return server;
    }

    private static Socket connect(CollectorServer server) throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        socket.setSoTimeout((int) Await.HANG.toMillis()); // a hang detector, not a latency bound
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The status of the answer on the socket (reads its status line). */
    private static int status(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        assertTrue(line.toString().startsWith("HTTP/1.1 "), "not an HTTP answer: '" + line + "'");
        return Integer.parseInt(line.substring(9, 12));
    }

    private static String post(String body) {
        return "POST /v1/events HTTP/1.1\r\nHost: collector\r\nOrigin: " + ORIGIN
                + "\r\nContent-Type: application/json\r\nContent-Length: "
                + body.getBytes(StandardCharsets.UTF_8).length
                + "\r\n\r\n" + body;
    }

    private static String event(int i) {
        return "{\"event_type\":\"page_view\",\"user_id\":\"u" + i + "\",\"product_id\":\"p\",\"price\":1}";
    }

    @Test
    void slowConnectionsAreAnswered408AndDoNotKeepOthersFromBeingServed(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector-slow", 1);
        List<Socket> slow = new ArrayList<>();
        try (CollectorServer server = start(kafka, topic, 10_000)) {
            for (int i = 0; i < SLOW_CONNECTIONS; i++) {
                Socket socket = connect(server);
                slow.add(socket);
                if (i % 2 == 0) { // headers started, never finished
                    write(socket, "POST /v1/events HTTP/1.1\r\nHost: collector\r\nX-Slow: ");
                } else { // a Content-Length, then part of the body, then nothing
                    write(socket, post(event(i)).substring(0, post(event(i)).length() - 10));
                }
            }
            try (Socket dripping = connect(server)) { // one byte at a time, each well within the timeout
                write(dripping, "POST /v1/events HTTP/1.1\r\n");
                for (int i = 0; i < 100 && !dripping.isInputShutdown(); i++) {
                    try {
                        write(dripping, "X");
                    } catch (IOException closedByServer) {
                        break;
                    }
                    if (dripping.getInputStream().available() > 0) {
                        break;
                    }
                    Thread.sleep(REQUEST_TIMEOUT.toMillis() / 10);
                }
                for (int i = 0; i < 50; i++) { // meanwhile, a normal client is served
                    try (Socket normal = connect(server)) {
                        write(normal, post(event(i)));
                        assertEquals(202, status(normal), "normal request " + i);
                    }
                }
                assertEquals(408, status(dripping), "dripped headers are still too slow as a whole");
            }
            Map<Integer, Integer> answers = new LinkedHashMap<>();
            for (Socket socket : slow) {
                answers.merge(status(socket), 1, Integer::sum);
            }
            assertEquals(Map.of(408, SLOW_CONNECTIONS), answers, "every slow connection answered 408");
        } finally {
            for (Socket socket : slow) {
                socket.close();
            }
        }
    }

    @Test
    void requestsTooBigInAnyPartGetTheirStatusNotAReset(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector-floods", 1);
        try (CollectorServer server = start(kafka, topic, 10_000)) {
            Map<String, Integer> statuses = new LinkedHashMap<>();
            statuses.put(
                    "a 4 MB request line",
                    send(server, "GET /" + "a".repeat(4 * 1024 * 1024) + " HTTP/1.1\r\nHost: c\r\n\r\n"));
            StringBuilder many = new StringBuilder("POST /v1/events HTTP/1.1\r\nHost: c\r\n");
            for (int i = 0; i < 10_000; i++) {
                many.append("X-H").append(i).append(": v\r\n");
            }
            statuses.put("10,000 headers", send(server, many + "\r\n"));
            statuses.put(
                    "an 8 MB header",
                    send(
                            server,
                            "POST /v1/events HTTP/1.1\r\nHost: c\r\nX-Big: " + "b".repeat(8 * 1024 * 1024)
                                    + "\r\n\r\n"));
            statuses.put(
                    "a body over the limit",
                    send(
                            server,
                            "POST /v1/events HTTP/1.1\r\nHost: c\r\nContent-Type: application/json\r\n"
                                    + "Content-Length: 10000000\r\n\r\n[" + event(1)));
            statuses.put("still serving", send(server, post(event(2))));
            assertEquals(
                    Map.of(
                            "a 4 MB request line", 414,
                            "10,000 headers", 431,
                            "an 8 MB header", 431,
                            "a body over the limit", 413,
                            "still serving", 202),
                    statuses);
        }
    }

    /** Writes the request (the server may close before all of it went out) and reads the answer's status. */
    private static int send(CollectorServer server, String request) throws IOException {
        try (Socket socket = connect(server)) {
            try {
                write(socket, request);
            } catch (IOException closedEarly) {
                // answered and closed before the rest was read: the status is on the socket
            }
            return status(socket);
        }
    }

    @Test
    void connectionsOverTheLimitAreAnswered503(KafkaService kafka) throws Exception {
        String topic = kafka.createTopic("collector-limit", 1);
        try (CollectorServer server = start(kafka, topic, 3)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Socket socket = connect(server);
                    write(socket, post(event(i)));
                    assertEquals(202, status(socket)); // kept alive: the connection stays open
                    open.add(socket);
                }
                try (Socket fourth = connect(server)) {
                    assertEquals(503, status(fourth));
                }
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
            Await.untilTrue("a connection is served again once the others closed", Await.HANG, () -> {
                try (Socket socket = connect(server)) {
                    write(socket, post(event(9)));
                    return status(socket) == 202;
                }
            });
        }
    }
}
