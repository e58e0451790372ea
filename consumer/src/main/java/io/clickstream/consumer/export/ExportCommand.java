package io.clickstream.consumer.export;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.service.ServiceCommand;
import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar clickstream-consumer.jar export [options]}: the events and the daily rollup of
 * a range of days as Hive-partitioned Parquet ({@link ParquetExport}), for notebooks, pandas,
 * DuckDB, Spark or a warehouse. Exit codes: 0 done, 1 ClickHouse failed or the output is not
 * writable, 2 bad configuration.
 */
public final class ExportCommand {
    public static final String NAME = "export";
    private static final Logger LOG = LoggerFactory.getLogger(ExportCommand.class);

    private static final ServiceCommand<ExportOptions> COMMAND = new ServiceCommand<>(
            "java -jar clickstream-consumer.jar " + NAME + " [options]",
            "Writes the events and the daily rollup of a range of UTC days as Parquet, partitioned by day\n"
                    + "(OUTPUT/events/date=2019-10-01/part-0.parquet). ClickHouse writes the Parquet; running a range\n"
                    + "again replaces its files. Raw events are kept RAW_RETENTION_DAYS after ingestion.\n"
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
            LOG.info(
                    "exporting {} of {} to {} as Parquet to {}",
                    options.tables(),
                    options.from(),
                    options.to(),
                    options.output());
            ParquetExport.Summary summary = new ParquetExport(pool, LOG::info)
                    .run(options.tables(), options.from(), options.to(), options.output());
            LOG.info(
                    "exported {} files, {} rows, {} bytes; removed {} files of days without rows",
                    summary.files(),
                    String.format("%,d", summary.rows()),
                    String.format("%,d", summary.bytes()),
                    summary.removed());
            return ServiceCommand.EXIT_OK;
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.error("export failed: {}", e.getMessage());
            return 1;
        }
    }
}
