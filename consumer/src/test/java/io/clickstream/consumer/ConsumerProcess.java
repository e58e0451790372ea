package io.clickstream.consumer;

import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The consumer jar as users run it: a separate JVM, stopped with SIGTERM or killed with SIGKILL. */
final class ConsumerProcess implements AutoCloseable {
    /** A JVM stopped by SIGTERM exits with 128 + 15 once its shutdown hooks are done. */
    static final int SIGTERM_EXIT = 143;

    private static final Path JAR = Path.of("target/clickstream-consumer.jar");

    private final JavaProcess process;

    private ConsumerProcess(JavaProcess process) {
        this.process = process;
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
        return new ConsumerProcess(JavaProcess.jar(JAR, log, args));
    }

    /** SIGTERM, then waits for the exit code. */
    int terminate() throws InterruptedException {
        return process.terminate();
    }

    /** SIGKILL: no flush, no commit, no goodbye. */
    void kill() throws InterruptedException {
        process.kill();
    }

    /** Waits for the process to exit by itself; whether it did within {@code hangAfter}. */
    boolean waitFor(Duration hangAfter) throws InterruptedException {
        return process.exited(hangAfter);
    }

    /** SIGSTOP: frozen as by a long GC pause or a suspended VM. */
    void suspend() throws IOException, InterruptedException {
        process.suspend();
    }

    /** SIGCONT after {@link #suspend()}. */
    void resume() throws IOException, InterruptedException {
        process.resume();
    }

    int exitValue() {
        return process.exitValue();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** Waits until the consumer logged {@code text}; fails at once if it exits first. */
    void awaitOutput(String text, Duration hangAfter) throws InterruptedException {
        process.awaitOutput(text, hangAfter);
    }

    String output() {
        return process.output();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
