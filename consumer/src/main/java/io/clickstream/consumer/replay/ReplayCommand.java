package io.clickstream.consumer.replay;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.replay.ReplayStore.ReplayException;
import io.clickstream.model.EventCodec;
import io.clickstream.service.ServiceCommand;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-consumer.jar replay-dead-letters [options]}: re-publishes stored
 * dead letters to the events topic ({@link DeadLetterReplay}). Exit codes: 0 done (the summary
 * says what was skipped), 1 ClickHouse or Kafka failed, 2 bad configuration.
 */
public final class ReplayCommand {
    public static final String NAME = "replay-dead-letters";
    private static final Logger LOG = LoggerFactory.getLogger(ReplayCommand.class);

    private static final ServiceCommand<ReplayOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-consumer.jar " + NAME + " [options]",
            "Re-publishes dead letters stored in ClickHouse (table dead_letters) to the events topic, after\n"
                    + "a fix upstream. Each is sent at most once: what was sent is recorded in dead_letter_replays\n"
                    + "and left out by every later run. Payloads that are still not valid events, and payloads the\n"
                    + "table kept only in part, are skipped and reported.\n"
                    + "Exit codes: 0 done, 1 ClickHouse or Kafka failed, 2 bad configuration.",
            ReplaySettings.ALL,
            s -> ReplayOptions.from(s, Clock.systemUTC()));

    private ReplayCommand() {}

    public static int run(String[] args, Map<String, String> environment) {
        // --dry-run alone means --dry-run=true (every other option takes a value)
        String[] normalized = Arrays.stream(args)
                .map(a -> a.equals(ReplaySettings.DRY_RUN.flag()) ? a + "=true" : a)
                .toArray(String[]::new);
        ServiceCommand.Parsed<ReplayOptions> parsed = COMMAND.parse(normalized, environment, LOG);
        if (!parsed.run()) {
            return parsed.exitCode();
        }
        ReplayOptions options = parsed.options();
        try (HikariDataSource pool = ClickHousePool.create(
                        options.jdbcUrl(), options.user(), options.password(), 2, options.clickHouseTimeout());
                KafkaReplayPublisher publisher = new KafkaReplayPublisher(
                        options.bootstrapServers(),
                        options.topic(),
                        options.clickHouseTimeout().plusSeconds(30))) {
            LOG.info(
                    "{} dead letters of classes {} received since {} to {}",
                    options.dryRun() ? "listing (dry run)" : "replaying",
                    options.reasonClasses(),
                    options.since(),
                    options.topic());
            DeadLetterReplay.Summary summary = new DeadLetterReplay(
                            new ClickHouseReplayStore(pool), publisher, new EventCodec(), LOG::info)
                    .run(options.reasonClasses(), options.since(), options.dryRun());
            summary.examples().forEach(e -> LOG.info("  {}", e));
            LOG.info("{}", summary);
            if (summary.failed() > 0) {
                LOG.error("Kafka did not acknowledge {} replayed records: run again once it does", summary.failed());
                return 1;
            }
            return ServiceCommand.EXIT_OK;
        } catch (ReplayException e) {
            LOG.error("{}", e.getMessage());
            return 1;
        }
    }
}
