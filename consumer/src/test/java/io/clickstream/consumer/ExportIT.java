package io.clickstream.consumer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.zaxxer.hikari.HikariDataSource;
import io.clickstream.consumer.clickhouse.ClickHousePool;
import io.clickstream.consumer.clickhouse.SchemaInstaller;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.LocalClickHouseServer;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.TestProcesses;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export}: events and the daily rollup of two days as Hive-partitioned Parquet, read back
 * by an independent reader (pyarrow, in a Python process): per day the row count, the distinct
 * event ids, the revenue and the orders equal ClickHouse's; a second run of the range replaces
 * the files instead of adding to them, and a day whose rows are gone loses its file.
 */
@ExtendWith(RealServices.class)
class ExportIT {
    private static final String PYTHON = LocalClickHouseServer.python();

    /** Prints, per Parquet file under a directory: its path relative to it, rows, distinct ids (or -), revenue of purchases. */
    private static final String READER = String.join(
            "\n",
            "import sys, pathlib, pyarrow.parquet as pq, pyarrow.compute as pc, pyarrow.fs as pafs",
            "if len(sys.argv) > 2:  # a bucket: s3 endpoint, then bucket/prefix",
            "    fs = pafs.S3FileSystem(access_key='test', secret_key='test', endpoint_override=sys.argv[2],",
            "                           scheme='http', region='us-east-1')",
            "    root = sys.argv[1]",
            "    files = sorted(i.path for i in fs.get_file_info(pafs.FileSelector(root, recursive=True))",
            "                   if i.path.endswith('.parquet'))",
            "    name = lambda f: f[len(root) + 1:]",
            "else:",
            "    fs = None",
            "    root = pathlib.Path(sys.argv[1])",
            "    files = sorted(str(f) for f in root.rglob('*.parquet'))",
            "    name = lambda f: pathlib.Path(f).relative_to(root).as_posix()",
            "for f in files:",
            "    t = pq.read_table(f, filesystem=fs)",
            "    ids = len(pc.unique(t['event_id'])) if 'event_id' in t.column_names else '-'",
            "    bought = t.filter(pc.equal(t['event_type'], 'purchase'))",
            "    amount = 'price' if 'price' in t.column_names else 'revenue'",
            "    revenue = pc.sum(bought[amount]).as_py() if bought.num_rows else 0",
            "    print(name(f), t.num_rows, ids, revenue)");

    @Test
    void twoDaysAsParquetReadBackByPyarrowAndAReRunReplaces(ClickHouseService ch, @TempDir Path dir) throws Exception {
        String db = database(ch, "export_");
        // 2019-10-20: a view, and a checkout of three items (order A-1: 10 + 20 + 30.5);
        // 2019-10-21: a view and a purchase of 40 without an order id; 2019-10-22: nothing.
        ch.execute(
                "INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                        + " session_id, category, order_id, kafka_topic, kafka_partition, kafka_offset) VALUES"
                        + " (generateUUIDv4(), 'page_view', 'u1', 'p1', 10, '2019-10-20 10:00:00', 's1', 'shoes', '', 't', 0, 1),"
                        + " (generateUUIDv4(), 'purchase', 'u1', 'p1', 10, '2019-10-20 10:01:00', 's1', 'shoes', 'A-1', 't', 0, 2),"
                        + " (generateUUIDv4(), 'purchase', 'u1', 'p2', 20, '2019-10-20 10:01:00', 's1', 'shoes', 'A-1', 't', 0, 3),"
                        + " (generateUUIDv4(), 'purchase', 'u1', 'p3', 30.5, '2019-10-20 10:01:00', 's1', 'toys', 'A-1', 't', 0, 4),"
                        + " (generateUUIDv4(), 'page_view', 'u2', 'p4', 40, '2019-10-21 23:59:59.999', 's2', '', '', 't', 0, 5),"
                        + " (generateUUIDv4(), 'purchase', 'u2', 'p4', 40, '2019-10-21 23:59:59.999', 's2', '', '', 't', 0, 6)");
        Path out = dir.resolve("lake");
        List<String> export = export(ch, db, "--from", "2019-10-20", "--to", "2019-10-22", "--output", out.toString());
        Map<String, String> env = Map.of("CLICKHOUSE_PASSWORD", ch.password());
        assertEquals(0, ConsumerMain.run(export.toArray(String[]::new), env));

        List<String> expected = List.of(
                "category_day/date=2019-10-20/part-0.parquet 3 - 60.50", // (shoes, view), (shoes, purchase), (toys,
                // purchase)
                "category_day/date=2019-10-21/part-0.parquet 2 - 40.00",
                "events/date=2019-10-20/part-0.parquet 4 4 60.50",
                "events/date=2019-10-21/part-0.parquet 2 2 40.00");
        assertEquals(expected, read(out));
        assertEquals(
                "4\t4\t60.5",
                ch.query("SELECT count(), uniqExact(event_id), sumIf(price, event_type = 'purchase') FROM " + db
                        + ".events WHERE toDate(timestamp) = '2019-10-20'"),
                "ClickHouse's own figures for the day");

        assertEquals(0, ConsumerMain.run(export.toArray(String[]::new), env), "the same range again");
        assertEquals(expected, read(out), "replaced, not doubled");

        ch.execute("ALTER TABLE " + db + ".events DELETE WHERE toDate(timestamp) = '2019-10-21'"
                + " SETTINGS mutations_sync = 1");
        assertEquals(
                0,
                ConsumerMain.run(
                        export(ch, db, "--from", "2019-10-21", "--output", out.toString(), "--tables", "events")
                                .toArray(String[]::new),
                        env));
        assertFalse(
                Files.exists(out.resolve("events/date=2019-10-21/part-0.parquet")), "a day without rows has no file");
        assertTrue(Files.exists(out.resolve("events/date=2019-10-20/part-0.parquet")), "other days untouched");
        try (var files = Files.walk(out)) {
            assertTrue(files.noneMatch(f -> f.toString().endsWith(".partial")), "no partial file left");
        }
    }

    @Test
    void badOptionsExitTwoWithTheReason() {
        assertEquals(2, ConsumerMain.run(new String[] {"export", "--output", "x"}, Map.of()), "no --from");
        assertEquals(
                2,
                ConsumerMain.run(
                        new String[] {"export", "--from", "2019-10-02", "--to", "2019-10-01", "--output", "x"},
                        Map.of()));
        assertEquals(
                2,
                ConsumerMain.run(
                        new String[] {"export", "--from", "2019-10-01", "--output", "x", "--tables", "users"},
                        Map.of()));
    }

    /**
     * {@code --every}: the jar exports the day of the last closed hour at once and on its
     * schedule, and stops on SIGTERM (143) without leaving a partial file.
     */
    @Test
    void scheduledExportWritesTheDayOfTheLastClosedHourAndStopsOnSigterm(ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        String db = database(ch, "export_every_");
        java.time.LocalDate day =
                io.clickstream.consumer.export.ExportCommand.lastClosedHourDay(java.time.Instant.now());
        ch.execute("INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                + " kafka_topic, kafka_partition, kafka_offset) VALUES"
                + " (generateUUIDv4(), 'page_view', 'u1', 'p1', 10, '" + day + " 00:00:01', 't', 0, 1),"
                + " (generateUUIDv4(), 'purchase', 'u1', 'p1', 10, '" + day + " 00:00:02', 't', 0, 2)");
        Path out = dir.resolve("lake");
        Path file = out.resolve("events/date=" + day + "/part-0.parquet");
        try (io.clickstream.testsupport.JavaProcess export = io.clickstream.testsupport.JavaProcess.jar(
                io.clickstream.testsupport.RepositoryLayout.root().resolve("consumer/target/clickstream-consumer.jar"),
                dir.resolve("export.log"),
                export(
                        ch,
                        db,
                        "--clickhouse-password",
                        ch.password(),
                        "--output",
                        out.toString(),
                        "--tables",
                        "events",
                        "--every",
                        "1m"))) {
            export.awaitOutput("exported 1 files", io.clickstream.testsupport.Await.HANG);
            assertTrue(Files.exists(file), export.tail());
            assertEquals(143, export.terminate(), "a clean stop on SIGTERM: " + export.tail());
            assertTrue(export.output().contains("stopped"), export.tail());
        }
        assertEquals(List.of("events/date=" + day + "/part-0.parquet 2 2 10.00"), read(out));
    }

    /**
     * The same export to an S3-compatible bucket, written by ClickHouse itself (s3 table function):
     * a real S3 server on this machine (moto's, in a Python process), read back with pyarrow's S3
     * file system; a second run replaces the objects.
     */
    @Test
    void toAnS3CompatibleBucketWrittenByClickHouse(ClickHouseService ch, @TempDir Path dir) throws Exception {
        String db = database(ch, "export_s3_");
        ch.execute("INSERT INTO " + db + ".events (event_id, event_type, user_id, product_id, price, timestamp,"
                + " order_id, kafka_topic, kafka_partition, kafka_offset) VALUES"
                + " (generateUUIDv4(), 'purchase', 'u1', 'p1', 10, '2019-10-20 10:01:00', 'A-1', 't', 0, 1),"
                + " (generateUUIDv4(), 'purchase', 'u1', 'p2', 20, '2019-10-20 10:01:00', 'A-1', 't', 0, 2)");
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process s3 = TestProcesses.start(
                new ProcessBuilder(PYTHON, "-m", "moto.server", "-H", "127.0.0.1", "-p", Integer.toString(port))
                        .redirectErrorStream(true)
                        .redirectOutput(dir.resolve("s3.log").toFile()));
        try {
            String local = "http://127.0.0.1:" + port;
            io.clickstream.testsupport.Await.untilTrue(
                    "the S3 server (python -m moto.server; pip install -r local/test-requirements.txt) answers",
                    io.clickstream.testsupport.Await.HANG,
                    () -> {
                        if (!s3.isAlive()) {
                            throw new AssertionError(
                                    "the S3 server exited: " + Files.readString(dir.resolve("s3.log")));
                        }
                        return python("import boto3; boto3.client('s3', endpoint_url='" + local + "',"
                                        + " aws_access_key_id='test', aws_secret_access_key='test',"
                                        + " region_name='us-east-1').create_bucket(Bucket='lake')")
                                == 0;
                    });
            List<String> export = export(
                    ch,
                    db,
                    "--from",
                    "2019-10-20",
                    "--output",
                    "s3://lake/clickstream",
                    "--s3-endpoint",
                    "http://" + ch.reachHost(port),
                    "--tables",
                    "events");
            Map<String, String> env = Map.of(
                    "CLICKHOUSE_PASSWORD", ch.password(),
                    "EXPORT_S3_ACCESS_KEY_ID", "test",
                    "EXPORT_S3_SECRET_ACCESS_KEY", "test");
            assertEquals(0, ConsumerMain.run(export.toArray(String[]::new), env));
            List<String> expected = List.of("events/date=2019-10-20/part-0.parquet 2 2 30.00");
            assertEquals(expected, read("lake/clickstream", local));
            assertEquals(0, ConsumerMain.run(export.toArray(String[]::new), env), "the same range again");
            assertEquals(expected, read("lake/clickstream", local), "replaced, not doubled");
        } finally {
            s3.destroy();
        }
    }

    /** The export command's arguments for {@code db}, then {@code options}. */
    private static List<String> export(ClickHouseService ch, String db, String... options) {
        List<String> args = new java.util.ArrayList<>(
                List.of("export", "--clickhouse-url", ch.jdbcUrl(db), "--clickhouse-user", ch.user()));
        args.addAll(List.of(options));
        return args;
    }

    /** A new database with the bundled schema, as the consumer's --schema apply makes it. */
    private static String database(ClickHouseService ch, String prefix) throws Exception {
        String db = prefix + Long.toHexString(System.nanoTime());
        try (HikariDataSource pool = ClickHousePool.create(
                        ch.jdbcUrl("default"), ch.user(), ch.password(), 1, Duration.ofSeconds(30));
                Connection connection = pool.getConnection()) {
            SchemaInstaller.install(
                    connection, db, Map.of("RAW_RETENTION_DAYS", "30", "ROLLUP_RETENTION_DAYS", "36500"));
        }
        return db;
    }

    private static int python(String script) throws Exception {
        Process python = TestProcesses.start(new ProcessBuilder(PYTHON, "-c", script).redirectErrorStream(true));
        python.getInputStream().readAllBytes();
        return python.waitFor(60, TimeUnit.SECONDS) ? python.exitValue() : -1;
    }

    /** The lines READER prints for the Parquet files under {@code root}. */
    private static List<String> read(Path root) throws Exception {
        return read(root.toString(), null);
    }

    /** The same for a bucket's prefix ({@code bucket/prefix}) behind an S3 endpoint. */
    private static List<String> read(String root, String s3Endpoint) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(PYTHON, "-c", READER, root));
        if (s3Endpoint != null) {
            command.add(s3Endpoint);
        }
        Process python = TestProcesses.start(new ProcessBuilder(command).redirectErrorStream(true));
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(python.waitFor(120, TimeUnit.SECONDS), "the reader hung");
        assertEquals(
                0,
                python.exitValue(),
                "reading the Parquet files with pyarrow (pip install pyarrow; or set CLICKSTREAM_PYTHON) failed:\n"
                        + output);
        return output.lines().toList();
    }
}
