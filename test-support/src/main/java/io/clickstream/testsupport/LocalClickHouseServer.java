package io.clickstream.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The repository's local ClickHouse ({@code local/chdb_http_server.py}: ClickHouse's HTTP
 * interface over a persistent chDB session) as a child process with a temporary data directory.
 * {@link #stop()} and {@link #start()} keep the port and the data, for outage tests.
 */
public final class LocalClickHouseServer implements AutoCloseable {
    static final String PYTHON_VARIABLE = "CLICKSTREAM_PYTHON";

    /** The Python that runs the local engine (chdb-core): {@value #PYTHON_VARIABLE}, or python3. */
    public static String python() {
        return System.getenv().getOrDefault(PYTHON_VARIABLE, "python3");
    }

    static final String INSTALL_HINT = "install the local ClickHouse engine with: pip install -r local/requirements.txt"
            + " (or start a ClickHouse and set CLICKSTREAM_IT_CLICKHOUSE_URL, or run with a Docker engine)";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Path script;
    private final Path workDir;
    private Process process;
    private int port;

    private LocalClickHouseServer(Path script, Path workDir) {
        this.script = script;
        this.workDir = workDir;
    }

    public static LocalClickHouseServer startNew() throws IOException {
        Path script = RepositoryLayout.resolve("local/chdb_http_server.py");
        LocalClickHouseServer server =
                new LocalClickHouseServer(script, Files.createTempDirectory("local-clickhouse-"));
        server.launch(0);
        return server;
    }

    public int port() {
        return port;
    }

    synchronized void stop() {
        if (process == null) {
            return;
        }
        process.destroy(); // SIGTERM: the server finishes the request in flight and closes chDB cleanly
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        process = null;
    }

    /**
     * Stops (SIGTERM) and starts the server again, same port, same data: a fresh process, for
     * benchmarks (the engine slows as its process ages).
     */
    public synchronized void restart() {
        stop();
        start();
    }

    /** SIGKILL, as a crash or an OOM kill does it, then a restart on the same port with the same data. */
    synchronized void crash() {
        if (process != null) {
            try {
                process.destroyForcibly().waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
        start();
    }

    synchronized void start() {
        if (process != null) {
            return;
        }
        try {
            launch(port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot restart the local ClickHouse on port " + port, e);
        }
    }

    private void launch(int requestedPort) throws IOException {
        Path portFile = workDir.resolve("port");
        Files.deleteIfExists(portFile);
        Path log = workDir.resolve("server.log");
        String python = python();
        List<String> command = List.of(
                python,
                script.toString(),
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(requestedPort),
                "--path",
                workDir.resolve("data").toString(),
                "--port-file",
                portFile.toString(),
                "--exit-with-parent"); // a killed test JVM does not leave it running
        Process started;
        try {
            started = TestProcesses.start(new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
            TestProcesses.shared(started); // lives as long as the test JVM's services
        } catch (IOException e) {
            throw new IOException(
                    "cannot run '" + python + "' (set " + PYTHON_VARIABLE + " to a Python 3 with chdb-core): "
                            + e.getMessage(),
                    e);
        }
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!Files.exists(portFile)) {
            if (!started.isAlive()) {
                throw new IOException("the local ClickHouse exited with code " + started.exitValue() + ": " + tail(log)
                        + "\n" + INSTALL_HINT);
            }
            if (System.nanoTime() > deadline) {
                started.destroyForcibly();
                throw new IOException(
                        "the local ClickHouse did not start within " + START_TIMEOUT.toSeconds() + " s: " + tail(log));
            }
            sleep(50);
        }
        port = Integer.parseInt(Files.readString(portFile).trim());
        process = started;
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the local ClickHouse", e);
        }
    }

    @Override
    public void close() throws IOException {
        stop();
        try (Stream<Path> files = Files.walk(workDir)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
