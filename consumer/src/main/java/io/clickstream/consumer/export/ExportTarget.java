package io.clickstream.consumer.export;

import java.io.IOException;
import java.sql.SQLException;
import java.time.LocalDate;
import javax.sql.DataSource;

/** Where an export's files go: a directory ({@link DirectoryTarget}) or an S3-compatible bucket ({@link BucketTarget}). */
interface ExportTarget {
    /** The file of one table and day, for progress lines. */
    String location(String table, LocalDate day);

    /**
     * Has ClickHouse write {@code select}'s rows as Parquet to the table's file of {@code day},
     * replacing what was there only once the new file is whole.
     *
     * @return the file's size in bytes, or -1 if the target does not say
     */
    long write(DataSource dataSource, String table, LocalDate day, String select) throws SQLException, IOException;

    /** Removes the table's file of {@code day} if there is one and the target can; true if it did. */
    boolean remove(String table, LocalDate day) throws IOException;

    /** The path below the target's root: {@code TABLE/date=YYYY-MM-DD/part-0.parquet}. */
    static String key(String table, LocalDate day) {
        return table + "/date=" + day + "/part-0.parquet";
    }
}
