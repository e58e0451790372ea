package io.clickstream.producer;

import io.clickstream.producer.config.ProducerConfig;
import io.clickstream.producer.config.ProducerSettings;
import io.clickstream.producer.kafka.KafkaEventSink;
import io.clickstream.service.kafka.KafkaUnavailableException;
import io.clickstream.service.kafka.TopicInitializer;
import io.clickstream.producer.pacing.Ticker;
import io.clickstream.producer.replay.CsvReplaySource;
import io.clickstream.producer.simulation.SimulatedSource;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-producer.jar [options]}: simulated shoppers or a replayed CSV,
 * published to Kafka. Exit codes: 0 all events delivered; 1 events lost or Kafka unusable;
 * 2 bad configuration or unreadable input file; 3 the replay file holds no valid row.
 */
public final class ProducerMain {
    static final int EXIT_OK = 0;
    static final int EXIT_LOST_EVENTS = 1;
    static final int EXIT_BAD_CONFIG = 2;
    static final int EXIT_NO_VALID_INPUT = 3;
    private static final Logger LOG = LoggerFactory.getLogger(ProducerMain.class);
    private static final long SHUTDOWN_WAIT_SECONDS = 40;

    private ProducerMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static int run(String[] args, Map<String, String> environment) {
        ProducerConfig config;
        try {
            Settings settings = Settings.parse(args, environment, ProducerSettings.ALL);
            if (settings.helpRequested()) {
                System.out.print(Settings.help("java -jar clickstream-producer.jar [options]",
                        "Publishes e-commerce click events to Kafka: simulated shoppers (default) or a replayed CSV.\n"
                        + "Every option can also be set by its environment variable; the flag wins.\n"
                        + "Exit codes: 0 all events delivered, 1 events lost or Kafka unusable, 2 bad configuration,\n"
                        + "3 the replay file holds no valid row.",
                        ProducerSettings.ALL));
                return EXIT_OK;
            }
            config = ProducerConfig.from(settings);
            LOG.info("configuration: {}", settings.describe());
        } catch (ConfigException e) {
            System.err.println("error: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }

        EventSource source;
        try {
            source = config.mode() == ProducerConfig.Mode.REPLAY
                    ? CsvReplaySource.open(config.replayFile(), config.rate(), config.replaySpeed(),
                            config.replayKeepsOriginalTimestamps())
                    : new SimulatedSource(config.simulation(), config.rate());
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            return EXIT_BAD_CONFIG;
        }
        try (source) {
            TopicInitializer.ensureTopic(config.bootstrapServers(), config.topic(), config.partitions(),
                    config.replicationFactor());
            return publish(config, source);
        } catch (KafkaUnavailableException e) {
            LOG.error("{}", e.getMessage());
            return EXIT_LOST_EVENTS;
        } catch (IOException e) {
            LOG.error("reading input failed: {}", e.toString());
            return EXIT_LOST_EVENTS;
        }
    }

    private static int publish(ProducerConfig config, EventSource source) throws IOException {
        try (KafkaEventSink sink = new KafkaEventSink(config.bootstrapServers(), config.topic())) {
            ProducerRunner runner = new ProducerRunner(source, sink, Ticker.SYSTEM, config.count(), config.duration(),
                    config.progressInterval(), LOG::info);
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                // SIGTERM / Ctrl-C: stop sending, then wait while run() flushes and prints the summary.
                LOG.info("stopping: flushing events in flight");
                runner.stop();
                try {
                    finished.await(SHUTDOWN_WAIT_SECONDS, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "producer-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
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
            } finally {
                finished.countDown();
                try {
                    Runtime.getRuntime().removeShutdownHook(hook);
                } catch (IllegalStateException alreadyShuttingDown) {
                    // the hook is running and waits for `finished`, released above
                }
            }
        }
    }
}
