package io.clickstream.consumer.clickhouse;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.DataStreamWriter;
import com.clickhouse.client.api.insert.InsertResponse;
import com.clickhouse.client.api.insert.InsertSettings;
import com.clickhouse.jdbc.ConnectionImpl;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.function.UnaryOperator;
import javax.sql.DataSource;

/**
 * One INSERT of RowBinaryWithNamesAndTypes bytes into a table of the connection's database,
 * through the client of a pooled clickhouse-jdbc connection (its own bytes streamed: the JDBC
 * batch API would convert every value through generic setters, measured 2x the CPU). The
 * client was built with retries off: this is one attempt, bounded by the socket timeout; every
 * failure comes back classified ({@link ErrorClassifier}).
 */
final class RowBinaryInsert {
    private RowBinaryInsert() {}

    /**
     * @param settings  adds the insert's own server settings to the common ones
     * @param what      names the insert in error messages, e.g. "insert of 1000 rows"
     * @return the rows ClickHouse reports written (views' rows included)
     */
    static long insert(
            DataSource dataSource,
            String table,
            List<String> columns,
            DataStreamWriter body,
            UnaryOperator<InsertSettings> settings,
            String what)
            throws WriteException {
        try (Connection connection = dataSource.getConnection()) {
            Client client = connection.unwrap(ConnectionImpl.class).getClient();
            InsertSettings common = new InsertSettings()
                    .setDatabase(connection.getSchema())
                    // batching is ours; ClickHouse must not buffer again (async insert is default on 26.2+)
                    .serverSetting("async_insert", "0");
            try (InsertResponse response = client.insert(
                            table, columns, body, RowBinaryEncoder.FORMAT, settings.apply(common))
                    .get()) {
                return response.getWrittenRows();
            }
        } catch (ExecutionException e) {
            throw ErrorClassifier.classify(what, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ErrorClassifier.classify(what + " (interrupted)", e);
        } catch (SQLException | RuntimeException e) {
            throw ErrorClassifier.classify(what, e);
        }
    }
}
