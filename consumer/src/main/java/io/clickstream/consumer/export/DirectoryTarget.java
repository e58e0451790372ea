package io.clickstream.consumer.export;

import com.clickhouse.client.api.Client;
import com.clickhouse.client.api.query.QueryResponse;
import com.clickhouse.client.api.query.QuerySettings;
import com.clickhouse.data.ClickHouseFormat;
import com.clickhouse.jdbc.ConnectionImpl;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.LocalDate;
import java.util.concurrent.ExecutionException;
import javax.sql.DataSource;

/**
 * Files in a local directory: ClickHouse answers the query {@code FORMAT Parquet}, and its bytes
 * are streamed into a file beside the final one, moved over it when whole (atomic rename): a
 * failed write leaves the previous file, a reader never sees half a file.
 */
final class DirectoryTarget implements ExportTarget {
    private final Path root;

    DirectoryTarget(Path root) {
        this.root = root;
    }

    @Override
    public String location(String table, LocalDate day) {
        return root.resolve(ExportTarget.key(table, day)).toString();
    }

    @Override
    public long write(DataSource dataSource, String table, LocalDate day, String select)
            throws SQLException, IOException {
        Path file = root.resolve(ExportTarget.key(table, day));
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(file.getFileName() + ".partial");
        try (Connection connection = dataSource.getConnection()) {
            Client client = connection.unwrap(ConnectionImpl.class).getClient();
            QuerySettings settings =
                    new QuerySettings().setDatabase(connection.getSchema()).setFormat(ClickHouseFormat.Parquet);
            try (QueryResponse response = client.query(select, settings).get();
                    InputStream parquet = response.getInputStream()) {
                Files.copy(parquet, partial, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (ExecutionException e) {
            Files.deleteIfExists(partial);
            throw new IOException(
                    "ClickHouse did not write " + table + " of " + day + ": "
                            + e.getCause().getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Files.deleteIfExists(partial);
            throw new IOException("interrupted", e);
        } catch (SQLException | IOException | RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        } catch (Exception e) { // QueryResponse.close
            Files.deleteIfExists(partial);
            throw new IOException(table + " of " + day + ": " + e.getMessage(), e);
        }
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return Files.size(file);
    }

    @Override
    public boolean remove(String table, LocalDate day) throws IOException {
        return Files.deleteIfExists(root.resolve(ExportTarget.key(table, day)));
    }
}
