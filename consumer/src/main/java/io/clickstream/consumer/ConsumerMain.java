package io.clickstream.consumer;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHouseDeadLetterTable;
import io.clickstream.consumer.clickhouse.ClickHouseEventWriter;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.clickhouse.ErrorClassifier;
import io.clickstream.consumer.clickhouse.Replication;
import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.consumer.clickhouse.SchemaLayout;
import io.clickstream.consumer.clickhouse.WriteException;
import io.clickstream.consumer.config.ConsumerOptions;
import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.consumer.dlq.KafkaDeadLetterPublisher;
import io.clickstream.consumer.dlq.TopicAndTableDeadLetters;
import io.clickstream.consumer.erasure.EraseCommand;
import io.clickstream.consumer.export.ExportCommand;
import io.clickstream.consumer.kafka.AdminTopicIds;
import io.clickstream.consumer.kafka.ConsumerClients;
import io.clickstream.consumer.metrics.HealthServer;
import io.clickstream.consumer.metrics.IngestMetrics;
import io.clickstream.consumer.processing.Backoff;
import io.clickstream.consumer.processing.BlockBuffers;
import io.clickstream.consumer.processing.CatchUpPolicy;
import io.clickstream.consumer.replay.ReplayCommand;
import io.clickstream.model.EventCodec;
import io.clickstream.service.GracefulShutdown;
import io.clickstream.service.ServiceCommand;
import io.clickstream.service.kafka.KafkaUnavailableException;
import io.clickstream.service.kafka.TopicInitializer;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-consumer.jar [options]}: Kafka → micro-batches → ClickHouse.
 * Exit codes: 143 (128 + SIGTERM) after a clean stop; 1 ClickHouse or Kafka refused in a way
 * retrying cannot fix (credentials, incompatible schema); 2 bad configuration.
 */
public final class ConsumerMain {
    static final int EXIT_OK = ServiceCommand.EXIT_OK;
    static final int EXIT_FATAL = 1;
    static final int EXIT_BAD_CONFIG = ServiceCommand.EXIT_BAD_CONFIG;
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerMain.class);

    private ConsumerMain() {}

    public static void main(String[] args) {
        System.exit(run(args, System.getenv()));
    }

    static final String APPLY_SCHEMA = "apply-schema";

    private static final ServiceCommand<ConsumerOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-consumer.jar [options]",
            "Ingests click events from Kafka into ClickHouse in micro-batches; offsets are committed only\n"
                    + "after ClickHouse stored the records, and records already stored are never stored twice.\n"
                    + "Exit codes: 143 after a clean stop on SIGTERM (128 + 15), 1 unrecoverable ClickHouse/Kafka error,\n"
                    + "2 bad configuration.\n"
                    + "Dead letters are stored in ClickHouse too; to re-publish them after a fix:\n"
                    + "  java -jar clickstream-consumer.jar " + ReplayCommand.NAME + " --help\n"
                    + "Only apply the schema (create what is missing, upgrade earlier tables), then exit:\n"
                    + "  java -jar clickstream-consumer.jar " + APPLY_SCHEMA + " [the options below]\n"
                    + "Events and the daily rollup of a range of days as Parquet:\n"
                    + "  java -jar clickstream-consumer.jar " + ExportCommand.NAME + " --help\n"
                    + "Erase one customer's events (and keep them from being stored again):\n"
                    + "  java -jar clickstream-consumer.jar " + EraseCommand.NAME + " --help",
            ConsumerSettings.ALL,
            ConsumerOptions::from);

    static int run(String[] args, Map<String, String> environment) {
        if (args.length > 0 && args[0].equals(ReplayCommand.NAME)) {
            return ReplayCommand.run(Arrays.copyOfRange(args, 1, args.length), environment);
        }
        if (args.length > 0 && args[0].equals(EraseCommand.NAME)) {
            return EraseCommand.run(Arrays.copyOfRange(args, 1, args.length), environment);
        }
        if (args.length > 0 && args[0].equals(ExportCommand.NAME)) {
            return ExportCommand.run(Arrays.copyOfRange(args, 1, args.length), environment);
        }
        boolean schemaOnly = args.length > 0 && args[0].equals(APPLY_SCHEMA);
        ServiceCommand.Parsed<ConsumerOptions> parsed =
                COMMAND.parse(schemaOnly ? Arrays.copyOfRange(args, 1, args.length) : args, environment, LOG);
        if (!parsed.run()) {
            return parsed.exitCode();
        }
        ConsumerOptions config = parsed.options();
        if (schemaOnly) {
            return applySchemaAndExit(config);
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        StartupWait startup = new StartupWait(config.maxRetryBackoff(), stopRequested);
        try (HikariDataSource pool = pool(config)) {
            AtomicReference<Replication> replication = new AtomicReference<>();
            boolean ready = startup.until(
                            "ClickHouse", () -> replication.set(prepareSchema(config, pool, config.applySchema())))
                    // Whichever of producer and consumer starts first creates the topic, with the same partitions.
                    && startup.until("Kafka", () -> {
                        ensureTopic(config, config.topic(), config.partitions());
                        ensureTopic(config, config.deadLetterTopic(), 1);
                    });
            if (!ready) {
                return stopRequested.getCount() == 0 ? EXIT_OK : EXIT_FATAL;
            }
            return consume(config, pool, replication.get());
        }
    }

    private static HikariDataSource pool(ConsumerOptions config) {
        return ClickHousePool.create(
                config.jdbcUrl(), config.user(), config.password(), config.poolSize(), config.clickHouseTimeout());
    }

    /**
     * {@code apply-schema}: creates what is missing from the bundled schema and brings tables of
     * an earlier version up to date (waiting while ClickHouse is not ready), checks it, and exits:
     * 0 done, 1 refused. For a deployment whose consumer only checks (least privilege): a one-shot
     * run with an administrator's credentials before it starts.
     */
    private static int applySchemaAndExit(ConsumerOptions config) {
        CountDownLatch stopRequested = new CountDownLatch(1);
        try (HikariDataSource pool = pool(config)) {
            boolean done = new StartupWait(config.maxRetryBackoff(), stopRequested)
                    .until("ClickHouse", () -> prepareSchema(config, pool, true));
            if (done) {
                LOG.info("schema of database {} applied and checked", config.database());
            }
            return done ? EXIT_OK : EXIT_FATAL;
        }
    }

    /**
     * Applies ({@code apply}) and checks the schema; how to write to it follows from the engine
     * {@code events} has, whatever {@code --schema-layout} says when only checking.
     */
    private static Replication prepareSchema(ConsumerOptions config, HikariDataSource pool, boolean apply)
            throws StartupWait.NotReadyException, StartupWait.FailedException {
        try {
            if (apply) {
                try (Connection bootstrap =
                        DriverManager.getConnection(config.jdbcUrlOf("default"), config.user(), config.password())) {
                    SchemaInstaller.install(
                            bootstrap, config.database(), config.schemaVariables(), config.schemaLayout());
                }
            }
            SchemaLayout layout = SchemaInstaller.check(pool, config.database());
            if (apply && layout != config.schemaLayout()) {
                throw new StartupWait.FailedException(
                        config.database() + ".events exists as a " + describe(layout)
                                + " table, and --schema-layout is "
                                + describe(config.schemaLayout())
                                + ": ClickHouse cannot change a table's engine in place (docs/consumer.md,"
                                + " \"On a replicated ClickHouse\")",
                        null);
            }
            if (layout == SchemaLayout.SINGLE && !config.insertQuorum().equals("0")) {
                throw new StartupWait.FailedException(
                        "--insert-quorum " + config.insertQuorum() + " needs replicated tables; " + config.database()
                                + ".events is a single-server MergeTree table",
                        null);
            }
            LOG.info(
                    "events is {}{}",
                    describe(layout),
                    layout == SchemaLayout.REPLICATED
                            ? ": lookups wait for this replica to fetch what the others stored; insert quorum "
                                    + config.insertQuorum()
                            : "");
            return new Replication(
                    layout == SchemaLayout.REPLICATED, config.insertQuorum(), config.clickHouseTimeout());
        } catch (SchemaInstaller.IncompatibleSchemaException e) {
            throw new StartupWait.FailedException(e.getMessage(), e);
        } catch (SQLException | RuntimeException e) {
            WriteException classified = ErrorClassifier.classify("schema set-up on " + config.jdbcUrl(), e);
            if (classified.kind() == WriteException.Kind.FATAL) {
                throw new StartupWait.FailedException(classified.getMessage(), classified);
            }
            throw new StartupWait.NotReadyException(classified.getMessage(), classified);
        }
    }

    /**
     * Creates or checks a topic. A broker that does not answer (starting, restarting, frozen) is
     * waited for; any other refusal (authorization, an invalid setting) is for a person to fix.
     */
    private static void ensureTopic(ConsumerOptions config, String topic, int partitions)
            throws StartupWait.NotReadyException, StartupWait.FailedException {
        try {
            TopicInitializer.ensureTopic(config.bootstrapServers(), topic, partitions, config.replicationFactor());
        } catch (KafkaUnavailableException e) {
            if (e.getCause() instanceof java.util.concurrent.TimeoutException
                    || e.getCause() instanceof org.apache.kafka.common.errors.RetriableException) {
                throw new StartupWait.NotReadyException(e.getMessage(), e);
            }
            throw new StartupWait.FailedException(e.getMessage(), e);
        }
    }

    private static String describe(SchemaLayout layout) {
        return layout == SchemaLayout.REPLICATED ? "replicated (Replicated*MergeTree)" : "single-server (MergeTree)";
    }

    private static int consume(ConsumerOptions config, HikariDataSource pool, Replication replication) {
        AtomicReference<IngestLoop> running = new AtomicReference<>();
        AtomicBoolean stopRequested = new AtomicBoolean();
        // SIGTERM: stop polling; the main thread then flushes, commits and closes the clients (the
        // flush bounded by --shutdown-timeout), and the JVM waits for that; closing the shutdown
        // handle comes after the clients are closed: the consumer left its group cleanly.
        try (GracefulShutdown shutdown = GracefulShutdown.install(
                "consumer-shutdown",
                () -> {
                    LOG.info("stopping: flushing buffered rows");
                    stopRequested.set(true);
                    IngestLoop loop = running.get();
                    if (loop != null) {
                        loop.shutdown();
                    }
                },
                config.shutdownTimeout().plusSeconds(15))) {
            return consumeUntilStopped(config, pool, replication, running, stopRequested);
        }
    }

    private static int consumeUntilStopped(
            ConsumerOptions config,
            HikariDataSource pool,
            Replication replication,
            AtomicReference<IngestLoop> running,
            AtomicBoolean stopRequested) {
        IngestMetrics metrics = new IngestMetrics();
        // One insert at a time beside the polling thread; a daemon, so a hung insert cannot keep the JVM alive.
        ExecutorService insertThread = Executors.newSingleThreadExecutor(task -> {
            Thread thread = new Thread(task, "clickhouse-insert");
            thread.setDaemon(true);
            return thread;
        });
        try (KafkaConsumer<byte[], byte[]> consumer = ConsumerClients.eventsConsumer(config);
                TopicAndTableDeadLetters deadLetters = new TopicAndTableDeadLetters(
                        new KafkaDeadLetterPublisher(config.bootstrapServers(), config.deadLetterTopic()),
                        new ClickHouseDeadLetterTable(pool),
                        System::currentTimeMillis);
                AdminTopicIds topicIds = new AdminTopicIds(config.bootstrapServers());
                HealthServer health = config.httpPort() < 0
                        ? null
                        : HealthServer.start(config.httpPort(), metrics, Duration.ofSeconds(60))) {
            if (health != null) {
                LOG.info("health and metrics on http://0.0.0.0:{}/health and /metrics", health.port());
            }
            IngestLoop loop = new IngestLoop(
                    consumer,
                    config.topic(),
                    topicIds,
                    new ClickHouseEventWriter(pool, replication),
                    deadLetters,
                    new EventCodec(),
                    new BlockBuffers(config.batchMaxRows(), config.batchMaxWait(), System::nanoTime),
                    new Backoff(config.maxRetryBackoff()),
                    metrics,
                    System::nanoTime,
                    config.lagInterval(),
                    new CatchUpPolicy(config.batchMaxRows(), config.catchUpMaxRows(), System::nanoTime, LOG::info),
                    insertThread);
            running.set(loop);
            if (stopRequested.get()) {
                loop.shutdown(); // SIGTERM arrived before the loop existed
            }
            try {
                loop.run();
            } catch (FatalIngestException e) {
                LOG.error("stopping without committing the current batch: {}", e.getMessage());
                return EXIT_FATAL;
            }
            boolean drained = loop.drain(config.shutdownTimeout());
            LOG.info(
                    "stopped: consumed {}, inserted {}, dead-lettered {}, duplicates skipped {}{}",
                    metrics.consumed.sum(),
                    metrics.inserted.sum(),
                    metrics.deadLettered.sum(),
                    metrics.duplicatesSkipped.sum(),
                    drained ? "" : " (last batch left uncommitted, re-read on restart)");
            return EXIT_OK;
        } catch (IOException e) {
            LOG.error("cannot open the health endpoint on port {}: {}", config.httpPort(), e.getMessage());
            return EXIT_BAD_CONFIG;
        } finally {
            insertThread.shutdownNow();
        }
    }
}
