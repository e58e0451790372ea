package io.clickstream.testsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/** Whether Testcontainers can be used: a Docker engine answers and the user did not opt out. */
final class Docker {
    private static final Logger LOG = LoggerFactory.getLogger(Docker.class);
    /** {@code never} skips the Docker probe and goes straight to the local fallback. */
    static final String MODE_VARIABLE = "CLICKSTREAM_IT_DOCKER";

    private static Boolean available;

    private Docker() {
    }

    static synchronized boolean available() {
        if (available == null) {
            if ("never".equalsIgnoreCase(System.getenv(MODE_VARIABLE))) {
                LOG.info("{}=never: not probing for a Docker engine", MODE_VARIABLE);
                available = false;
            } else {
                available = probe();
            }
        }
        return available;
    }

    private static boolean probe() {
        try {
            boolean answers = DockerClientFactory.instance().isDockerAvailable();
            LOG.info(answers ? "Docker engine found: services come from Testcontainers"
                    : "no Docker engine answers: using the local fallback services");
            return answers;
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Docker probe failed ({}): using the local fallback services", e.toString());
            return false;
        }
    }
}
