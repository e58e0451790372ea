package io.clickstream.consumer.erasure;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.service.ServiceCommand;
import java.time.Clock;
import java.util.Arrays;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-consumer.jar erase-customer --customer-id ID [options]}: erases one
 * customer's events ({@link CustomerErasure}). Exit codes: 0 erased (or counted, with
 * {@code --dry-run}), 1 ClickHouse or Kafka failed or the consumer did not catch up in time (run it
 * again), 2 bad configuration.
 */
public final class EraseCommand {
    public static final String NAME = "erase-customer";
    private static final Logger LOG = LoggerFactory.getLogger(EraseCommand.class);

    private static final ServiceCommand<EraseOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-consumer.jar " + NAME + " --customer-id ID [options]",
            "Erases one customer: the events with their customer id and those of the anonymous visitor ids\n"
                    + "they were seen with, recorded before now; their dead letters; their ids in the sessions rollup\n"
                    + "(its counts stay). Records the erasure (hashes of the ids, never the ids), so that records Kafka\n"
                    + "still holds are not stored again, waits for the consumer group to store everything Kafka held,\n"
                    + "then deletes. Visits after the erasure are stored as usual. Safe to run again.\n"
                    + "Exit codes: 0 done, 1 ClickHouse or Kafka failed or the consumer did not catch up in time (run it\n"
                    + "again), 2 bad configuration.",
            EraseSettings.ALL,
            EraseOptions::from);

    private EraseCommand() {}

    public static int run(String[] args, Map<String, String> environment) {
        // --dry-run alone means --dry-run=true (every other option takes a value)
        String[] normalized = Arrays.stream(args)
                .map(a -> a.equals(EraseSettings.DRY_RUN.flag()) ? a + "=true" : a)
                .toArray(String[]::new);
        ServiceCommand.Parsed<EraseOptions> parsed = COMMAND.parse(normalized, environment, LOG);
        if (!parsed.run()) {
            return parsed.exitCode();
        }
        EraseOptions options = parsed.options();
        try (HikariDataSource pool = ClickHousePool.create(
                        options.jdbcUrl(), options.user(), options.password(), 1, options.clickHouseTimeout());
                AdminKafkaPositions kafka =
                        new AdminKafkaPositions(options.bootstrapServers(), options.topic(), options.groupId())) {
            LOG.info(
                    "{} customer {}",
                    options.dryRun() ? "counting (dry run) what would erase" : "erasing",
                    options.customerId());
            CustomerErasure.Report report = new CustomerErasure(pool, kafka, Clock.systemUTC(), LOG::info)
                    .erase(options.customerId(), options.dryRun(), options.waitFor());
            LOG.info("{}", report);
            if (!options.dryRun()) {
                LOG.info("Kafka keeps the records until its retention ends; the consumer does not store them again."
                        + " Parquet files exported before now still hold them: export those days again.");
            }
            return ServiceCommand.EXIT_OK;
        } catch (CustomerErasure.ErasureException e) {
            LOG.error("{}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }
}
