package io.clickstream.service;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM / Ctrl-C handling every service shares: the JVM's shutdown hook asks the service to
 * stop ({@code onSignal}), then holds the JVM until the main thread has finished its clean stop
 * (flushed, committed, closed its clients) and {@link #close() closed} this, or until
 * {@code maxWait} passes. Use in try-with-resources around the service's work.
 */
public final class GracefulShutdown implements AutoCloseable {
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private GracefulShutdown(String name, Runnable onSignal, Duration maxWait) {
        this.hook = new Thread(
                () -> {
                    onSignal.run();
                    try {
                        finished.await(maxWait.toMillis(), TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                },
                name);
    }

    /** Installs the hook; {@code onSignal} runs on the hook's thread and must only ask the service to stop. */
    public static GracefulShutdown install(String name, Runnable onSignal, Duration maxWait) {
        GracefulShutdown shutdown = new GracefulShutdown(name, onSignal, maxWait);
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /** The clean stop is done: releases a waiting hook, or removes the hook if no signal came. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running and was waiting for `finished`, released above
        }
    }
}
