package io.clickstream.testsupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/** What the leak check sees: children, and children a script left behind when it exited first. */
class TestProcessesTest {
    @Test
    void aChildStillRunningIsSeenAndStopped() throws Exception {
        Process sleeper = TestProcesses.start(new ProcessBuilder("sleep", "600"));
        try {
            assertTrue(pids(TestProcesses.running()).contains(sleeper.pid()), "the running child is listed");
            assertEquals(List.of(), TestProcesses.stopTree(sleeper, Duration.ofSeconds(30)), "SIGTERM stops sleep");
            assertFalse(sleeper.isAlive());
            assertFalse(pids(TestProcesses.running()).contains(sleeper.pid()));
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    @EnabledOnOs(OS.LINUX) // finding an orphan by its environment needs /proc
    void anOrphanLeftByAScriptIsFoundByItsMarkerAndKilled(@TempDir Path dir) throws Exception {
        // The script starts a grandchild that ignores SIGTERM, writes its pid and exits at once:
        // the grandchild is nobody's descendant any more, as run-local.sh's children are if it dies.
        Path pidFile = dir.resolve("orphan.pid");
        Process script = TestProcesses.start(new ProcessBuilder(
                "bash", "-c", "trap '' TERM; (trap '' TERM; exec sleep 600) & echo $! > " + pidFile + "; exit 0"));
        assertEquals(0, script.waitFor());
        long orphan = Long.parseLong(Files.readString(pidFile).trim());
        ProcessHandle handle = ProcessHandle.of(orphan).orElseThrow();
        try {
            assertFalse(
                    ProcessHandle.current().descendants().anyMatch(p -> p.pid() == orphan),
                    "re-parented: not a descendant");
            assertTrue(pids(TestProcesses.running()).contains(orphan), "found by the marker it inherited");
            AssertionError leak =
                    assertThrows(AssertionError.class, () -> new ProcessLeakCheck().check("a test", Duration.ZERO));
            assertTrue(leak.getMessage().contains("pid " + orphan), leak.getMessage());
            handle.onExit().get();
            assertFalse(handle.isAlive(), "the leak check killed it");
        } finally {
            handle.destroyForcibly();
        }
    }

    @Test
    void nothingLeftMeansNoFailure() throws Exception {
        new ProcessLeakCheck().check("a test", Duration.ZERO);
    }

    private static List<Long> pids(List<ProcessHandle> processes) {
        return processes.stream().map(ProcessHandle::pid).toList();
    }

    @Test
    void aRunGivesTheExitCodeAndBothStreams() throws Exception {
        TestProcesses.Finished finished =
                TestProcesses.run(new ProcessBuilder("sh", "-c", "echo out; echo err >&2; exit 3"), "a script");
        assertEquals(3, finished.exitCode());
        assertEquals("out\nerr\n", finished.output());
    }

    @Test
    void aRunThatHangsIsKilledAndFailsWithWhatItPrinted() throws Exception {
        ProcessBuilder hanging = new ProcessBuilder("sh", "-c", "echo started; exec sleep 600");
        AssertionError hung = assertThrows(
                AssertionError.class, () -> TestProcesses.run(hanging, "a hanging script", Duration.ofSeconds(1)));
        assertTrue(hung.getMessage().startsWith("a hanging script hung"), hung.getMessage());
        assertTrue(hung.getMessage().endsWith("started\n"), hung.getMessage());
        assertEquals(List.of(), TestProcesses.running(), "the hanging process was killed");
    }
}
