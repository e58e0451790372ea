package io.clickstream.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Every process a test starts goes through here, so that none outlives the test that started it.
 *
 * <p>Each is started with {@value #MARKER} in its environment, naming this test JVM; its children
 * inherit it. A process is this JVM's if it is a descendant, or (on Linux, where
 * {@code /proc/<pid>/environ} is readable) carries the marker: that finds children a script left
 * behind when it died first, which are no longer anyone's descendants. Services shared by the whole
 * test JVM (the local ClickHouse) are registered with {@link #shared} and are not leaks while it runs.
 * {@link ProcessLeakCheck} fails every test class that leaves one of the others running.
 */
public final class TestProcesses {
    /** The environment variable that marks a process (and its children) as started by this test JVM. */
    public static final String MARKER = "CLICKSTREAM_TEST_JVM";

    private static final String ID = ProcessHandle.current().pid() + "@"
            + ProcessHandle.current()
                    .info()
                    .startInstant()
                    .map(Instant::toEpochMilli)
                    .orElse(0L);
    private static final Set<Long> SHARED = ConcurrentHashMap.newKeySet();
    /** Guards starts against the shutdown hook: nothing is started once it ran. */
    private static final Object STARTS = new Object();

    private static boolean shuttingDown;

    static {
        // A test JVM stopped from outside (Ctrl-C, a killed build) does not reach the leak check:
        // whatever it started goes with it, shared services included.
        Runtime.getRuntime().addShutdownHook(new Thread(TestProcesses::killAll, "test-processes-cleanup"));
    }

    private TestProcesses() {}

    /** Starts {@code builder}'s command marked as this test JVM's. */
    public static Process start(ProcessBuilder builder) throws IOException {
        builder.environment().put(MARKER, ID);
        synchronized (STARTS) {
            if (shuttingDown) {
                throw new IOException("the test JVM is shutting down: not starting " + builder.command());
            }
            return builder.start();
        }
    }

    /** A process run to its end: its exit code and its output (stdout and stderr together). */
    public record Finished(int exitCode, String output) {}

    /**
     * Runs {@code builder}'s command to its end (stderr merged into stdout) and returns its exit code
     * and output. One that has not ended after {@link Await#HANG} is killed and fails the test, naming
     * {@code what} and showing what it printed: its output is read on a thread of its own, so a hung
     * process is caught even while it keeps its output open.
     */
    public static Finished run(ProcessBuilder builder, String what) throws IOException, InterruptedException {
        return run(builder, what, Await.HANG);
    }

    /** {@link #run(ProcessBuilder, String)} with its own hang detector. */
    public static Finished run(ProcessBuilder builder, String what, Duration hangAfter)
            throws IOException, InterruptedException {
        Process process = start(builder.redirectErrorStream(true));
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Thread reader = new Thread(
                () -> {
                    try (InputStream in = process.getInputStream()) {
                        in.transferTo(output);
                    } catch (IOException closed) {
                        // the process was killed: what was read so far is kept
                    }
                },
                "output of " + what);
        reader.start();
        if (!process.waitFor(hangAfter.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            reader.join();
            throw new AssertionError(what + " hung (killed after " + hangAfter.toSeconds() + " s); its output:\n"
                    + output.toString(StandardCharsets.UTF_8));
        }
        // ends even if a child it left holds the pipe: the JDK drains and closes it when the process exits
        reader.join();
        return new Finished(process.exitValue(), output.toString(StandardCharsets.UTF_8));
    }

    private static void killAll() {
        synchronized (STARTS) {
            shuttingDown = true;
        }
        SHARED.clear();
        running().forEach(ProcessHandle::destroyForcibly);
    }

    /** {@code process} serves the whole test JVM (closed at its end): not a leak of the test that started it. */
    public static void shared(Process process) {
        SHARED.add(process.pid());
    }

    /** This JVM's processes that are still running, shared services and their children excepted. */
    public static List<ProcessHandle> running() {
        Set<Long> excluded = new LinkedHashSet<>();
        excluded.add(ProcessHandle.current().pid());
        for (long pid : SHARED) {
            ProcessHandle.of(pid).ifPresent(shared -> {
                excluded.add(pid);
                shared.descendants().forEach(child -> excluded.add(child.pid()));
            });
        }
        Set<ProcessHandle> found = new LinkedHashSet<>();
        ProcessHandle.current().descendants().forEach(found::add);
        ProcessHandle.allProcesses().filter(TestProcesses::marked).forEach(found::add);
        return found.stream()
                .filter(ProcessHandle::isAlive)
                .filter(p -> !excluded.contains(p.pid()))
                .sorted(Comparator.comparingLong(ProcessHandle::pid))
                .toList();
    }

    /**
     * Stops {@code process} and everything it started: SIGTERM to it, up to {@code grace} for the
     * whole tree to exit (a script's trap stops its children), then SIGKILL to whatever is left.
     * Returns a description of each process that had to be killed (none, for a clean stop).
     */
    public static List<String> stopTree(Process process, Duration grace) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        long deadline = System.nanoTime() + grace.toNanos();
        process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
        tree.addAll(running()); // children orphaned by the parent's exit, found by their marker
        List<String> killed = new ArrayList<>();
        for (ProcessHandle handle : tree) {
            long left = Math.max(0, deadline - System.nanoTime());
            try {
                handle.onExit().get(left, TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                killed.add(describe(handle));
                handle.destroyForcibly();
            }
        }
        if (process.isAlive()) {
            killed.add(describe(process.toHandle()));
            process.destroyForcibly().waitFor();
        }
        return killed;
    }

    static String describe(ProcessHandle process) {
        return "pid " + process.pid() + ": "
                + process.info().commandLine().orElse(process.info().command().orElse("?"));
    }

    static String describe(List<ProcessHandle> processes) {
        return processes.stream().map(TestProcesses::describe).collect(Collectors.joining("\n  ", "  ", ""));
    }

    private static boolean marked(ProcessHandle process) {
        Path environ = Path.of("/proc", Long.toString(process.pid()), "environ");
        try {
            byte[] bytes = Files.readAllBytes(environ);
            return new String(bytes, StandardCharsets.ISO_8859_1).contains(MARKER + "=" + ID + "\0");
        } catch (IOException | SecurityException unreadable) {
            return false; // not Linux, gone, or not ours to read: descendants still cover it
        }
    }
}
