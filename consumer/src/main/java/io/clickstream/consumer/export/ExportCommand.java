package io.clickstream.consumer.export;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.service.GracefulShutdown;
import io.clickstream.service.ServiceCommand;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-consumer.jar export [options]}: the events and the daily rollup of
 * a range of days as Hive-partitioned Parquet ({@link ParquetExport}), for notebooks, pandas,
 * DuckDB, Spark or a warehouse; or, with {@code --every}, on a schedule. Exit codes: 0 done, 1
 * ClickHouse failed or the output is not writable, 2 bad configuration; scheduled, after SIGTERM
 * the JVM exits with 143 once the round in flight is done.
 */
public final class ExportCommand {
    public static final String NAME = "export";
    private static final Logger LOG = LoggerFactory.getLogger(ExportCommand.class);

    private static final ServiceCommand<ExportOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-consumer.jar " + NAME + " [options]",
            "Writes the events and the daily rollup of a range of UTC days as Parquet, partitioned by day\n"
                    + "(OUTPUT/events/date=2019-10-01/part-0.parquet). ClickHouse writes the Parquet; running a range\n"
                    + "again replaces its files. With --every, runs until stopped, each round exporting the day of the\n"
                    + "last closed hour. Raw events are kept RAW_RETENTION_DAYS after ingestion.\n"
                    + "Exit codes: 0 done, 1 ClickHouse failed or the output is not writable, 2 bad configuration.",
            ExportSettings.ALL,
            ExportOptions::from);

    private ExportCommand() {}

    public static int run(String[] args, Map<String, String> environment) {
        ServiceCommand.Parsed<ExportOptions> parsed = COMMAND.parse(args, environment, LOG);
        if (!parsed.run()) {
            return parsed.exitCode();
        }
        ExportOptions options = parsed.options();
        try (HikariDataSource pool = ClickHousePool.create(
                options.jdbcUrl(), options.user(), options.password(), 1, options.clickHouseTimeout())) {
            ParquetExport export = new ParquetExport(pool, LOG::info);
            if (options.every() != null) {
                return scheduled(export, options, Clock.systemUTC());
            }
            LOG.info(
                    "exporting {} of {} to {} as Parquet to {}",
                    options.tables(),
                    options.from(),
                    options.to(),
                    options.output());
            report(export.run(options.tables(), options.from(), options.to(), options.target()));
            return ServiceCommand.EXIT_OK;
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.error("export failed: {}", e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    /**
     * Every {@code options.every()}, exports the UTC day that holds the last closed hour (at 00:10
     * the day before, complete now; at 10:10 today so far), until SIGTERM, which lets the round in
     * flight finish. A failed round is logged and the next one tries again: a day's files are
     * replaced whole, so a round is safe to repeat.
     */
    private static int scheduled(ParquetExport export, ExportOptions options, Clock clock) throws InterruptedException {
        CountDownLatch stop = new CountDownLatch(1);
        try (GracefulShutdown shutdown =
                GracefulShutdown.install("export-shutdown", stop::countDown, Duration.ofMinutes(5))) {
            LOG.info(
                    "exporting {} to {} every {}: the day of the last closed hour",
                    options.tables(),
                    options.output(),
                    options.every());
            do {
                LocalDate day = lastClosedHourDay(clock.instant());
                try {
                    report(export.run(options.tables(), day, day, options.target()));
                } catch (SQLException | IOException | RuntimeException e) {
                    LOG.warn("export of {} failed, trying again in {}: {}", day, options.every(), e.getMessage());
                }
            } while (!stop.await(options.every().toMillis(), TimeUnit.MILLISECONDS));
            LOG.info("stopped");
        }
        return ServiceCommand.EXIT_OK;
    }

    /** The UTC day of the last hour that has ended at {@code now}. */
    public static LocalDate lastClosedHourDay(Instant now) {
        return LocalDate.ofInstant(now.truncatedTo(ChronoUnit.HOURS).minusMillis(1), ZoneOffset.UTC);
    }

    private static void report(ParquetExport.Summary summary) {
        LOG.info(
                "exported {} files, {} rows, {} bytes; removed {} files of days without rows",
                summary.files(),
                String.format("%,d", summary.rows()),
                String.format("%,d", summary.bytes()),
                summary.removed());
    }
}
