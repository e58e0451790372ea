package io.clickstream.testsupport;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class that leaves a process running. Registered for every test class of every
 * module with test-support on its test classpath (JUnit's extension auto-detection, enabled in the
 * parent POM), so a test that forgets to stop what it started fails the build instead of leaving a
 * consumer running for hours. Processes still stopping get {@link #GRACE} to exit; what is left
 * is killed (so it does not disturb the next class) and named in the failure.
 */
public final class ProcessLeakCheck implements AfterAllCallback {
    /** How long a process that is shutting down (flushing, committing) may take to exit. */
    static final Duration GRACE = Duration.ofSeconds(30);

    private static final long POLL_MILLIS = 200;

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        check(context.getRequiredTestClass().getSimpleName(), GRACE);
    }

    /** Waits up to {@code grace} for this JVM's processes to exit; kills and names what is left. */
    void check(String owner, Duration grace) throws InterruptedException {
        long deadline = System.nanoTime() + grace.toNanos();
        List<ProcessHandle> left = TestProcesses.running();
        while (!left.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(POLL_MILLIS); // waiting for exits: the condition is "nothing left running"
            left = TestProcesses.running();
        }
        if (left.isEmpty()) {
            return;
        }
        String described = TestProcesses.describe(left);
        left.forEach(ProcessHandle::destroyForcibly);
        throw new AssertionError(owner + " left processes running (now killed):\n" + described);
    }
}
