package io.clickstream.collector;

import static io.clickstream.collector.BrowserIT.freePort;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TopicContents;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The country from the client's address, with the collector jar and the real IP-to-country
 * database: behind a trusted proxy the address it forwarded counts (and not the one the client
 * wrote to its left); from an untrusted peer a forged {@code X-Forwarded-For} counts for nothing.
 * The addresses appear nowhere: not in the records on the topic (values, keys, headers), not in
 * the collector's log.
 */
@ExtendWith(RealServices.class)
class ClientCountryIT {
    private static final String CLIENT = "193.99.144.80"; // heise.de: DE
    private static final String WRITTEN_BY_THE_CLIENT = "198.51.100.66";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theCountryComesFromATrustedProxysForwardAndTheAddressIsKeptNowhere(KafkaService kafka, @TempDir Path dir)
            throws Exception {
        Path database = RepositoryLayout.resolve("data/geoip/dbip-country.mmdb");
        String behindProxy = kafka.createTopic("country-proxy", 1);
        String direct = kafka.createTopic("country-direct", 1);
        List<String> logs = new ArrayList<>();
        for (String[] run : new String[][] {{behindProxy, "127.0.0.1/32"}, {direct, ""}}) {
            int port = freePort();
            Path log = dir.resolve(run[0] + ".log");
            try (JavaProcess collector = JavaProcess.collector(
                    RepositoryLayout.root(),
                    log,
                    kafka.bootstrapServers(),
                    run[0],
                    port,
                    List.of("--geoip-database", database.toString(), "--trusted-proxies", run[1]))) {
                collector.awaitOutput("collecting on", Duration.ofSeconds(120));
                HttpResponse<String> answer = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/events"))
                                .header("Content-Type", "application/json")
                                .header("X-Forwarded-For", WRITTEN_BY_THE_CLIENT + ", " + CLIENT)
                                .POST(HttpRequest.BodyPublishers.ofString(
                                        "{\"event_type\":\"page_view\",\"user_id\":\"u-" + run[0]
                                                + "\",\"product_id\":\"p\",\"price\":0,\"country\":\"FR\"}"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(202, answer.statusCode(), answer.body());
            }
            logs.add(Files.readString(log));
        }
        String proxied = onTopic(kafka, behindProxy);
        String forged = onTopic(kafka, direct);
        assertEquals(true, proxied.contains("\"country\":\"DE\""), "the forwarded client's country: " + proxied);
        assertFalse(
                forged.contains("\"country\""), "a forged header counts for nothing (the peer is local): " + forged);
        for (String text : List.of(proxied, forged, String.join("\n", logs))) {
            for (String address : List.of(CLIENT, WRITTEN_BY_THE_CLIENT)) {
                assertFalse(text.contains(address), address + " kept:\n" + text);
            }
        }
    }

    /** Every record of the topic as text: key, value and headers. */
    private static String onTopic(KafkaService kafka, String topic) {
        List<ConsumerRecord<String, byte[]>> records = TopicContents.readAll(kafka.bootstrapServers(), topic);
        assertEquals(1, records.size(), topic);
        return records.stream()
                .map(r -> r.key() + " " + new String(r.value(), StandardCharsets.UTF_8) + " "
                        + java.util.Arrays.stream(r.headers().toArray())
                                .map(h -> h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8))
                                .collect(Collectors.joining(",")))
                .collect(Collectors.joining("\n"));
    }
}
