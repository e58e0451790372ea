package io.clickstream.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A service under test as its own JVM (one of the project's jars), its output in a log file. */
public final class JavaProcess implements AutoCloseable {
    private final Process process;
    private final Path log;
    private volatile boolean suspended;

    private JavaProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static JavaProcess jar(Path jar, Path log, List<String> args) throws IOException {
        return jar(List.of(), jar, log, args);
    }

    /** {@code jar} with JVM options such as {@code -Xmx240m}. */
    public static JavaProcess jar(List<String> jvmOptions, Path jar, Path log, List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        return start(command, log);
    }

    /**
     * The consumer jar on {@code topic} (its DLQ {@code topic.dlq}, group {@code group}) into
     * {@code clickHouseUrl}, with {@code options} such as batch settings and the HTTP port.
     */
    public static JavaProcess consumer(
            Path repo,
            Path log,
            String bootstrapServers,
            String topic,
            String group,
            String clickHouseUrl,
            List<String> options)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers", bootstrapServers,
                "--topic", topic,
                "--dlq-topic", topic + ".dlq",
                "--group-id", group,
                "--clickhouse-url", clickHouseUrl));
        args.addAll(options);
        return jar(repo.resolve("consumer/target/clickstream-consumer.jar"), log, args);
    }

    /** The collector jar on 127.0.0.1:{@code port}, publishing to {@code topic}, with {@code options}. */
    public static JavaProcess collector(
            Path repo, Path log, String bootstrapServers, String topic, int port, List<String> options)
            throws IOException {
        return collector(List.of(), repo, log, bootstrapServers, topic, port, options);
    }

    /** The collector jar as above, in a JVM with {@code jvmOptions}. */
    public static JavaProcess collector(
            List<String> jvmOptions,
            Path repo,
            Path log,
            String bootstrapServers,
            String topic,
            int port,
            List<String> options)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "--bootstrap-servers",
                bootstrapServers,
                "--topic",
                topic,
                "--host",
                "127.0.0.1",
                "--port",
                Integer.toString(port)));
        args.addAll(options);
        return jar(jvmOptions, repo.resolve("collector/target/clickstream-collector.jar"), log, args);
    }

    public static JavaProcess mainClass(String mainClass, Path log, List<String> args) throws IOException {
        return mainClass(List.of(), mainClass, log, args);
    }

    /** {@code mainClass} on this JVM's class path, with JVM options such as {@code -Xmx256m}. */
    public static JavaProcess mainClass(List<String> jvmOptions, String mainClass, Path log, List<String> args)
            throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass));
        command.addAll(args);
        return start(command, log);
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static JavaProcess start(List<String> command, Path log) throws IOException {
        Process process = TestProcesses.start(new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        return new JavaProcess(process, log);
    }

    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the log contains {@code text}; fails at once if the process exits first. */
    public void awaitOutput(String text, Duration hangAfter) throws InterruptedException {
        Await.untilTrue(
                "'" + text + "' in " + log.getFileName(),
                hangAfter,
                () -> {
                    if (output().contains(text)) {
                        return true;
                    }
                    if (!process.isAlive()) {
                        throw new AssertionError("exited with " + process.exitValue() + " before '" + text + "' in "
                                + log + ":\n" + tail());
                    }
                    return false;
                },
                this::tail);
    }

    /** Waits for the process to exit by itself and returns its exit code; a hang fails. */
    public int waitFor(Duration hangAfter) throws InterruptedException {
        if (!process.waitFor(hangAfter.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(log + " did not exit within " + hangAfter.toSeconds() + " s:\n" + tail());
        }
        return process.exitValue();
    }

    /** Whether the process exited by itself within {@code hangAfter}. */
    public boolean exited(Duration hangAfter) throws InterruptedException {
        return process.waitFor(hangAfter.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** SIGTERM and wait; a process that does not stop within a minute is killed. */
    public void stop() throws InterruptedException {
        try {
            terminate();
        } catch (AssertionError killed) {
            // did not stop within a minute: terminate() killed it
        }
    }

    /** SIGTERM; returns the exit code once it exited. A process that does not stop within a minute fails. */
    public int terminate() throws InterruptedException {
        resumeIfSuspended(); // a stopped process would not act on SIGTERM
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new AssertionError(log + " did not stop within 60 s of SIGTERM:\n" + tail());
        }
        return process.exitValue();
    }

    /** SIGKILL: no flush, no commit, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public int exitValue() {
        return process.exitValue();
    }

    /** SIGSTOP: frozen as by a long GC pause, a suspended VM or a throttled container; nothing it holds is released. */
    public void suspend() throws IOException, InterruptedException {
        signal("STOP");
        suspended = true;
    }

    /** SIGCONT after {@link #suspend()}. */
    public void resume() throws IOException, InterruptedException {
        signal("CONT");
        suspended = false;
    }

    private void resumeIfSuspended() throws InterruptedException {
        if (suspended) {
            try {
                resume();
            } catch (IOException e) {
                process.destroyForcibly(); // cannot continue it: SIGKILL works on a stopped process
            }
        }
    }

    private void signal(String name) throws IOException, InterruptedException {
        Process kill = TestProcesses.start(new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())));
        if (!kill.waitFor(30, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    public String tail() {
        List<String> lines = output().lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                stop();
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
