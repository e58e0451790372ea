package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.KafkaService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The consumer jar as users run it: a separate JVM, stopped with SIGTERM or killed with SIGKILL. */
final class ConsumerProcess implements AutoCloseable {
    /** A JVM stopped by SIGTERM exits with 128 + 15 once its shutdown hooks are done. */
    static final int SIGTERM_EXIT = 143;

    private static final Path JAR = Path.of("target/clickstream-consumer.jar");

    private final Process process;
    private final Path log;

    private ConsumerProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    /** Common arguments for a test: its topic, DLQ, group and database; health on a free port. */
    static List<String> arguments(
            KafkaService kafka, ClickHouseService clickHouse, String topic, String database, String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--dlq-topic",
                topic + ".dlq",
                "--group-id",
                topic + "-group",
                "--clickhouse-url",
                clickHouse.jdbcUrl(database),
                "--clickhouse-user",
                clickHouse.user(),
                "--clickhouse-password",
                clickHouse.password(),
                "--http-port",
                "0",
                "--lag-interval",
                "2s",
                "--max-retry-backoff",
                "2s"));
        args.addAll(List.of(extra));
        return args;
    }

    static ConsumerProcess start(Path log, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", JAR.toString()));
        command.addAll(args);
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new ConsumerProcess(process, log);
    }

    /** SIGTERM, then waits for the exit code. */
    int terminate() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            throw new AssertionError("consumer did not stop within 60 s of SIGTERM:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: no flush, no commit, no goodbye. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    /** Waits for the process to exit by itself; whether it did within {@code timeout}. */
    boolean waitFor(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no output: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
