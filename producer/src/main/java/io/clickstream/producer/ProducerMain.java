package io.clickstream.producer;

import io.clickstream.producer.config.ProducerOptions;
import io.clickstream.producer.config.ProducerSettings;
import io.clickstream.producer.kafka.KafkaEventSink;
import io.clickstream.producer.pacing.Ticker;
import io.clickstream.producer.replay.CsvReplaySource;
import io.clickstream.producer.simulation.BackfillSource;
import io.clickstream.producer.simulation.SimulatedSource;
import io.clickstream.service.GracefulShutdown;
import io.clickstream.service.ServiceCommand;
import io.clickstream.service.kafka.KafkaUnavailableException;
import io.clickstream.service.kafka.TopicInitializer;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-producer.jar [options]}: simulated shoppers or a replayed CSV,
 * published to Kafka. Exit codes: 0 all events delivered; 1 events lost or Kafka unusable;
 * 2 bad configuration or unreadable input file; 3 the replay file holds no valid row.
 */
public final class ProducerMain {
    static final int EXIT_OK = ServiceCommand.EXIT_OK;
    static final int EXIT_LOST_EVENTS = 1;
    static final int EXIT_BAD_CONFIG = ServiceCommand.EXIT_BAD_CONFIG;
    static final int EXIT_NO_VALID_INPUT = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ProducerMain.class);
    private static final Duration SHUTDOWN_WAIT = Duration.ofSeconds(40);

    private ProducerMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    private static final ServiceCommand<ProducerOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-producer.jar [options]",
            "Publishes e-commerce click events to Kafka: simulated shoppers (default) or a replayed CSV.\n"
                    + "Exit codes: 0 all events delivered, 1 events lost or Kafka unusable, 2 bad configuration,\n"
                    + "3 the replay file holds no valid row.",
            ProducerSettings.ALL,
            ProducerOptions::from);

    static int run(String[] args, Map<String, String> environment) {
        ServiceCommand.Parsed<ProducerOptions> parsed = COMMAND.parse(args, environment, LOG);
        if (!parsed.run()) {
            return parsed.exitCode();
        }
        ProducerOptions config = parsed.options();

        EventSource source;
        try {
            source = config.mode() == ProducerOptions.Mode.REPLAY
                    ? CsvReplaySource.open(
                            config.replayFile(),
                            config.rate(),
                            config.replaySpeed(),
                            config.replayKeepsOriginalTimestamps(),
                            config.replayMapping())
                    : config.backfill() != null
                            ? new BackfillSource(config.simulation(), config.rate(), config.backfill(), Instant.now())
                            : new SimulatedSource(config.simulation(), config.rate());
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        if (config.backfill() != null) {
            LOG.info(
                    "backfill: {} of history at {} events/s (about {} events), stamped in the past up to now",
                    config.backfill(),
                    config.rate(),
                    String.format(
                            "%,d", (long) (config.rate() * config.backfill().toMillis() / 1000.0)));
        }
        try (source) {
            TopicInitializer.ensureTopic(
                    config.bootstrapServers(), config.topic(), config.partitions(), config.replicationFactor());
            return publish(config, source);
        } catch (KafkaUnavailableException e) {
            LOG.error("{}", e.getMessage());
            return EXIT_LOST_EVENTS;
        } catch (IOException e) {
            LOG.error("reading input failed: {}", e.toString());
            return EXIT_LOST_EVENTS;
        }
    }

    private static int publish(ProducerOptions config, EventSource source) throws IOException {
        try (KafkaEventSink sink = new KafkaEventSink(config.bootstrapServers(), config.topic())) {
            ProducerRunner runner = new ProducerRunner(
                    source,
                    sink,
                    Ticker.SYSTEM,
                    config.count(),
                    config.duration(),
                    config.progressInterval(),
                    LOG::info);
            // SIGTERM / Ctrl-C: stop sending; the JVM waits while run() flushes and prints the summary.
            try (GracefulShutdown shutdown = GracefulShutdown.install(
                    "producer-shutdown",
                    () -> {
                        LOG.info("stopping: flushing events in flight");
                        runner.stop();
                    },
                    SHUTDOWN_WAIT)) {
                ProducerRunner.Summary summary = runner.run();
                LOG.info("done: {}", summary);
                if (source instanceof CsvReplaySource replay && summary.rejected() > 0) {
                    LOG.warn("rejected rows by reason: {}", replay.rejectedByReason());
                }
                if (summary.failed() > 0) {
                    LOG.error("{} events were not delivered to Kafka", summary.failed());
                    return EXIT_LOST_EVENTS;
                }
                if (source instanceof CsvReplaySource replay && replay.accepted() == 0 && !runner.stopped()) {
                    LOG.error("{} holds no valid row: nothing was replayed", config.replayFile());
                    return EXIT_NO_VALID_INPUT;
                }
                return EXIT_OK;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return EXIT_LOST_EVENTS;
            }
        }
    }
}
