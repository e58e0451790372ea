package io.clickstream.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Whether a measurement had the machine to itself: CPU time spent by processes that are not the
 * benchmark's (its JVM and everything it started: the collector, wrk, a broker), and CPU time
 * stolen by the hypervisor, as shares of the machine's capacity over an interval. Read from
 * {@code /proc} (Linux): {@code /proc/stat} for the machine, {@code /proc/<pid>/stat} for our
 * processes (children already waited for are in our JVM's {@code cutime}/{@code cstime}). A
 * result measured while others used the cores measures them too: the benchmark refuses it.
 */
final class CpuShare {
    /** More than this share of the machine used by others, or stolen, and the result is not trusted. */
    static final double MAX_OTHERS = 0.15;

    static final double MAX_STEAL = 0.10;

    /** Ticks at one instant: the machine's busy and stolen ticks, ours, and every process's (pid → name, ticks). */
    record Sample(long nanos, long busy, long steal, long ours, Map<Long, Map.Entry<String, Long>> processes) {}

    /** An interval's shares of the machine's capacity (cores × time). */
    record Shares(double ours, double others, double steal, String busiestOthers) {
        /** Why this interval cannot be trusted, or null if it can. */
        String distrust() {
            if (others > MAX_OTHERS) {
                return String.format(
                        "other processes used %.0f%% of the machine (more than %.0f%%; busiest: %s): close them and"
                                + " run again",
                        others * 100, MAX_OTHERS * 100, busiestOthers);
            }
            if (steal > MAX_STEAL) {
                return String.format(
                        "the hypervisor took %.0f%% of the CPU time (steal, more than %.0f%%): use a machine with"
                                + " dedicated cores",
                        steal * 100, MAX_STEAL * 100);
            }
            return null;
        }

        @Override
        public String toString() {
            return String.format(
                    "CPU: benchmark %.0f%%, other processes %.0f%%, stolen %.0f%%",
                    ours * 100, others * 100, steal * 100);
        }
    }

    private static final double TICKS_PER_SECOND = 100; // USER_HZ, 100 on Linux everywhere

    private CpuShare() {}

    static Sample sample() {
        try {
            String[] cpu =
                    Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal guest guest_nice: guest time is in user
            long busy = Long.parseLong(cpu[1]) + Long.parseLong(cpu[2]) + Long.parseLong(cpu[3]);
            long steal = cpu.length > 8 ? Long.parseLong(cpu[8]) : 0;
            List<ProcessHandle> ours = new ArrayList<>();
            ours.add(ProcessHandle.current());
            ProcessHandle.current().descendants().forEach(ours::add);
            long ticks = 0;
            for (ProcessHandle process : ours) {
                ticks += ticks(process.pid());
            }
            Map<Long, Map.Entry<String, Long>> processes = new HashMap<>();
            try (DirectoryStream<Path> all = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
                for (Path dir : all) {
                    long pid = Long.parseLong(dir.getFileName().toString());
                    processes.put(pid, Map.entry(name(pid), ticks(pid)));
                }
            }
            return new Sample(System.nanoTime(), busy, steal, ticks, processes);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read CPU accounting from /proc (Linux only): " + e, e);
        }
    }

    private static String name(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            return stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        } catch (IOException | RuntimeException gone) {
            return "?";
        }
    }

    /** user + system time of a process and of its children already waited for; 0 if it is gone. */
    private static long ticks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after "(comm)": state is field 3; utime, stime, cutime, cstime are 14 to 17
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }

    /** The machine's capacity over an interval, in ticks: cores × time. */
    private static double capacity(Sample from, Sample to) {
        return (to.nanos() - from.nanos())
                / 1e9
                * TICKS_PER_SECOND
                * Runtime.getRuntime().availableProcessors();
    }

    /**
     * The share of the machine used over the interval by the processes (other than this JVM)
     * whose name starts with {@code name}, alive at its end: e.g. "java" for the jars started.
     */
    static double shareOf(Sample from, Sample to, String name) {
        long self = ProcessHandle.current().pid();
        long ticks = 0;
        for (Map.Entry<Long, Map.Entry<String, Long>> process : to.processes().entrySet()) {
            if (process.getKey() != self && process.getValue().getKey().startsWith(name)) {
                ticks += process.getValue().getValue()
                        - from.processes()
                                .getOrDefault(process.getKey(), Map.entry("", 0L))
                                .getValue();
            }
        }
        return ticks / capacity(from, to);
    }

    static Shares between(Sample from, Sample to) {
        double capacity = capacity(from, to);
        double ours = (to.ours() - from.ours()) / capacity;
        double busy = (to.busy() - from.busy()) / capacity;
        Set<Long> ourPids = new HashSet<>();
        ourPids.add(ProcessHandle.current().pid());
        ProcessHandle.current().descendants().forEach(p -> ourPids.add(p.pid()));
        String busiest = to.processes().entrySet().stream()
                .filter(e -> !ourPids.contains(e.getKey()))
                .map(e -> Map.entry(
                        e.getKey() + " " + e.getValue().getKey(),
                        e.getValue().getValue()
                                - from.processes()
                                        .getOrDefault(e.getKey(), Map.entry("", 0L))
                                        .getValue()))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(3)
                .map(e -> String.format("%s %.0f%%", e.getKey(), e.getValue() / capacity * 100))
                .collect(Collectors.joining(", "));
        return new Shares(
                ours,
                Math.max(0, busy - ours),
                (to.steal() - from.steal()) / capacity,
                busiest.isEmpty()
                        ? "none of the running processes: the kernel, or processes that came and went"
                        : busiest);
    }

    /** Watches the machine for {@code seconds} before anything starts: refuses a busy one. */
    static void requireIdle(double seconds) throws InterruptedException {
        Sample from = sample();
        Thread.sleep((long) (seconds * 1000)); // an observation window, not a wait for a condition
        Shares shares = between(from, sample());
        System.out.println("before the run: " + shares);
        String distrust = shares.distrust();
        if (distrust != null) {
            throw new Untrusted("the machine is not idle before the run: " + distrust);
        }
    }

    /** A result that cannot be trusted: the benchmark writes no report and exits 1. */
    static final class Untrusted extends RuntimeException {
        Untrusted(String message) {
            super(message);
        }
    }
}
