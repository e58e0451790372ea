package io.clickstream.collector;

import io.clickstream.collector.config.CollectorOptions;
import io.clickstream.collector.config.CollectorSettings;
import io.clickstream.collector.http.CollectorMetrics;
import io.clickstream.collector.http.CollectorServer;
import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.UserAgents;
import io.clickstream.collector.kafka.EventPublisher;
import io.clickstream.collector.traffic.Channels;
import io.clickstream.collector.traffic.Countries;
import io.clickstream.collector.traffic.ReferrerList;
import io.clickstream.collector.traffic.TrafficEnrichment;
import io.clickstream.model.EventCodec;
import io.clickstream.service.GracefulShutdown;
import io.clickstream.service.ServiceCommand;
import io.clickstream.service.kafka.KafkaUnavailableException;
import io.clickstream.service.kafka.TopicInitializer;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-collector.jar [options]}: click events from web pages over HTTP
 * into Kafka. Exit codes: 143 (128 + SIGTERM) after a clean stop on SIGTERM, the requests in
 * flight answered; 1 Kafka unusable at start or the port taken; 2 bad configuration.
 */
public final class CollectorMain {
    static final int EXIT_OK = ServiceCommand.EXIT_OK;
    static final int EXIT_UNAVAILABLE = 1;
    private static final Logger LOG = LoggerFactory.getLogger(CollectorMain.class);

    private static final ServiceCommand<CollectorOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-collector.jar [options]",
            "Receives click events from web pages (POST /v1/events, the /tracker.js script, a demo shop at /demo)\n"
                    + "and publishes them to Kafka; answers 202 only once Kafka acknowledged them.\n"
                    + "Exit codes: 143 after a clean stop on SIGTERM (128 + 15), 1 Kafka unusable at start or the port taken,\n"
                    + "2 bad configuration.",
            CollectorSettings.ALL,
            CollectorOptions::from);

    private CollectorMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> environment) {
        ServiceCommand.Parsed<CollectorOptions> parsed = COMMAND.parse(args, environment, LOG);
        if (!parsed.run()) {
            return parsed.exitCode();
        }
        CollectorOptions config = parsed.options();
        TrafficEnrichment traffic;
        try {
            traffic = new TrafficEnrichment(
                    new Channels(ReferrerList.bundled()),
                    config.geoipDatabase() == null ? Countries.NONE : Countries.open(config.geoipDatabase()));
        } catch (IOException e) {
            LOG.error(
                    "error: {} (--geoip-database, COLLECTOR_GEOIP_DATABASE) is not an IP-to-country database: {}",
                    config.geoipDatabase(),
                    e.getMessage());
            return ServiceCommand.EXIT_BAD_CONFIG;
        }
        if (config.geoipDatabase() == null) {
            LOG.info("no IP-to-country database (--geoip-database): events have no country");
        }
        try {
            TopicInitializer.ensureTopic(
                    config.bootstrapServers(), config.topic(), config.partitions(), config.replicationFactor());
        } catch (KafkaUnavailableException e) {
            LOG.error("{}", e.getMessage());
            return EXIT_UNAVAILABLE;
        }
        CountDownLatch stop = new CountDownLatch(1);
        CollectorMetrics metrics = new CollectorMetrics();
        try (GracefulShutdown shutdown = GracefulShutdown.install(
                        "collector-shutdown",
                        stop::countDown,
                        config.shutdownTimeout().plusSeconds(15));
                EventPublisher publisher =
                        new EventPublisher(config.bootstrapServers(), config.topic(), config.kafkaTimeout())) {
            long started = System.nanoTime();
            EventIntake intake = new EventIntake(new EventCodec(), new UserAgents(), traffic);
            CollectorServer server = new CollectorServer(
                    config.host(),
                    config.port(),
                    config.cors(),
                    new CollectorServer.Limits(
                            config.maxBodyBytes(),
                            config.maxEventsPerRequest(),
                            config.maxConnections(),
                            config.requestTimeout(),
                            config.idleTimeout(),
                            config.maxPendingBytes()),
                    config.trustedProxies(),
                    intake,
                    publisher,
                    metrics);
            server.start();
            LOG.info(
                    "collecting on http://{}:{}/v1/events (tracker /tracker.js, demo shop /demo) into {}; ready in {} ms",
                    config.host(),
                    server.port(),
                    config.topic(),
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Progress progress = new Progress(metrics);
            while (!stop.await(config.progressInterval().toMillis(), TimeUnit.MILLISECONDS)) {
                progress.log();
            }
            LOG.info("stopping: no new requests; finishing the ones in flight");
            server.stop(config.shutdownTimeout());
            progress.log();
            LOG.info(
                    "stopped: accepted {}, rejected {}, not acknowledged by Kafka {} (answered 503)",
                    metrics.accepted.sum(),
                    metrics.rejected.sum(),
                    metrics.notAcknowledged.sum());
            return EXIT_OK;
        } catch (IOException e) {
            LOG.error("cannot listen on {}:{}: {}", config.host(), config.port(), e.getMessage());
            return EXIT_UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return EXIT_OK;
        }
    }

    /** The periodic progress line: events accepted since the last one, and totals. */
    private static final class Progress {
        private final CollectorMetrics metrics;
        private long lastAccepted;
        private long lastAt = System.nanoTime();

        Progress(CollectorMetrics metrics) {
            this.metrics = metrics;
        }

        void log() {
            long accepted = metrics.accepted.sum();
            long now = System.nanoTime();
            double seconds = Math.max(1e-3, (now - lastAt) / 1e9);
            LOG.info(
                    "accepted {} events ({} /s), rejected {}, answered 503 for {} (Kafka); totals: 202 x{}, 400 x{}",
                    accepted - lastAccepted,
                    Math.round((accepted - lastAccepted) / seconds),
                    metrics.rejected.sum(),
                    metrics.notAcknowledged.sum(),
                    metrics.responses(202),
                    metrics.responses(400));
            lastAccepted = accepted;
            lastAt = now;
        }
    }
}
