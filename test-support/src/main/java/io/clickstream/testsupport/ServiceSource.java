package io.clickstream.testsupport;

/** Where an integration test's service came from, in the order they are tried. */
public enum ServiceSource {
    /** An existing service named by an environment variable. */
    ENVIRONMENT,
    /** A container started by Testcontainers (a Docker engine answered). */
    TESTCONTAINERS,
    /** Started on this machine without Docker: in-JVM Kafka broker, chDB-backed ClickHouse. */
    LOCAL
}
