package io.clickstream.testsupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Whether Testcontainers can be used: a Docker engine answers and the user did not opt out.
 * {@code CLICKSTREAM_IT_DOCKER=never} skips the probe (the local fallback); {@code required}
 * fails instead of falling back, for CI jobs that exist to run the Testcontainers path.
 */
final class Docker {
    private static final Logger LOG = LoggerFactory.getLogger(Docker.class);
    static final String MODE_VARIABLE = "CLICKSTREAM_IT_DOCKER";

    private static Boolean available;

    private Docker() {}

    static synchronized boolean available() {
        if (available == null) {
            if ("never".equalsIgnoreCase(System.getenv(MODE_VARIABLE))) {
                LOG.info("{}=never: not probing for a Docker engine", MODE_VARIABLE);
                available = false;
            } else {
                available = probe();
                if (!available && "required".equalsIgnoreCase(System.getenv(MODE_VARIABLE))) {
                    throw new IllegalStateException(MODE_VARIABLE + "=required, but no Docker engine answers:"
                            + " the tests would not run against Testcontainers");
                }
            }
        }
        return available;
    }

    private static boolean probe() {
        try {
            boolean answers = DockerClientFactory.instance().isDockerAvailable();
            LOG.info(
                    answers
                            ? "Docker engine found: services come from Testcontainers"
                            : "no Docker engine answers: using the local fallback services");
            return answers;
        } catch (RuntimeException | LinkageError e) {
            LOG.info("Docker probe failed ({}): using the local fallback services", e.toString());
            return false;
        }
    }
}
