package io.clickstream.consumer;

import io.clickstream.consumer.processing.Backoff;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up steps that need ClickHouse or Kafka wait for it: a dependency that does not answer
 * yet (started after the consumer, restarting, frozen) is retried with capped backoff, logged at
 * every attempt, until the step succeeds or SIGTERM asks to stop; an answer that no retry can
 * change (a wrong password, a refused topic) ends the wait at once.
 */
final class StartupWait {
    private static final Logger LOG = LoggerFactory.getLogger(ConsumerMain.class);

    /** A step that failed for now: retry it. */
    static final class NotReadyException extends Exception {
        private static final long serialVersionUID = 1L;

        NotReadyException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A step that failed for good: the message says what a person must change. */
    static final class FailedException extends Exception {
        private static final long serialVersionUID = 1L;

        FailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    @FunctionalInterface
    interface Step {
        void run() throws NotReadyException, FailedException;
    }

    private final Duration maxBackoff;
    private final CountDownLatch stopRequested;

    StartupWait(Duration maxBackoff, CountDownLatch stopRequested) {
        this.maxBackoff = maxBackoff;
        this.stopRequested = stopRequested;
    }

    /** Runs {@code step} until it succeeds; false if it failed for good or a stop was requested. */
    boolean until(String dependency, Step step) {
        Backoff backoff = new Backoff(maxBackoff);
        Thread waiting = new Thread(stopRequested::countDown, "consumer-startup-shutdown");
        Runtime.getRuntime().addShutdownHook(waiting);
        try {
            while (true) {
                try {
                    step.run();
                    return true;
                } catch (FailedException e) {
                    LOG.error("{}", e.getMessage());
                    return false;
                } catch (NotReadyException e) {
                    Duration wait = backoff.next();
                    LOG.warn("{} not ready, retrying in {} ms: {}", dependency, wait.toMillis(), e.getMessage());
                    if (stopRequested.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
                        return false;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(waiting);
            } catch (IllegalStateException shuttingDown) {
                // the hook already ran
            }
        }
    }
}
