package io.clickstream.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Reads the consumer's Prometheus /metrics: CPU seconds, rows inserted, heap, batches. */
final class ConsumerMetrics {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final URI uri;

    ConsumerMetrics(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
    }

    Map<String, Double> read() {
        try {
            String body = HTTP.send(
                            HttpRequest.newBuilder(uri)
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Map<String, Double> values = new HashMap<>();
            for (String line : body.split("\n")) {
                if (!line.startsWith("#") && line.contains(" ")) {
                    values.put(
                            line.substring(0, line.indexOf(' ')),
                            Double.parseDouble(line.substring(line.indexOf(' ') + 1)));
                }
            }
            return values;
        } catch (IOException e) {
            throw new IllegalStateException("consumer metrics unreadable at " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
