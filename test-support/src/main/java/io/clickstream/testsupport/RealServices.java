package io.clickstream.testsupport;

import java.io.IOException;
import java.net.URI;
import java.util.function.Supplier;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension giving integration tests a real {@link KafkaService} and a real
 * {@link ClickHouseService} as test or lifecycle method parameters.
 *
 * <p>Each service is resolved once per test JVM, lazily, in this order (the log says which):
 * <ol>
 *   <li>an environment variable naming an existing service: {@value #KAFKA_VARIABLE};
 *       {@value #CLICKHOUSE_VARIABLE} (+ {@code _USER}, {@code _PASSWORD});</li>
 *   <li>Testcontainers, when a Docker engine answers (opt out with {@code CLICKSTREAM_IT_DOCKER=never});</li>
 *   <li>the local fallback: an in-JVM KRaft broker; the chDB-backed local ClickHouse.</li>
 * </ol>
 * A service that cannot be had fails every test asking for it, with what to install. Nothing
 * is skipped.
 */
public final class RealServices implements ParameterResolver {
    public static final String KAFKA_VARIABLE = "CLICKSTREAM_IT_KAFKA_BOOTSTRAP";
    public static final String CLICKHOUSE_VARIABLE = "CLICKSTREAM_IT_CLICKHOUSE_URL";

    private static final Logger LOG = LoggerFactory.getLogger(RealServices.class);
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RealServices.class);

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == KafkaService.class || type == ClickHouseService.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        // The root store lives as long as the test JVM's engine run and closes its values at the end.
        ExtensionContext.Store store = context.getRoot().getStore(NAMESPACE);
        Resolved resolved = type == KafkaService.class
                ? store.getOrComputeIfAbsent("kafka", key -> resolve("Kafka", RealServices::kafka), Resolved.class)
                : store.getOrComputeIfAbsent(
                        "clickhouse", key -> resolve("ClickHouse", RealServices::clickHouse), Resolved.class);
        if (resolved.failure != null) {
            throw new ParameterResolutionException(resolved.failure.getMessage(), resolved.failure);
        }
        return resolved.service;
    }

    private static Resolved resolve(String name, Supplier<ContainerServices.Started<?>> starter) {
        long started = System.nanoTime();
        try {
            ContainerServices.Started<?> result = starter.get();
            LOG.info("{} ready in {} ms: {}", name, (System.nanoTime() - started) / 1_000_000, result.service());
            return new Resolved(result.service(), result.closer(), null);
        } catch (RuntimeException e) {
            // Remembered, so every test that needs the service fails at once with the same cause.
            LOG.error("{} unavailable: {}", name, e.getMessage());
            return new Resolved(null, null, e);
        }
    }

    private static ContainerServices.Started<?> kafka() {
        String bootstrap = System.getenv(KAFKA_VARIABLE);
        if (bootstrap != null && !bootstrap.isBlank()) {
            return new ContainerServices.Started<>(new KafkaService(bootstrap, ServiceSource.ENVIRONMENT), () -> {});
        }
        if (Docker.available()) {
            return ContainerServices.kafka();
        }
        try {
            LocalKafkaBroker broker = LocalKafkaBroker.start();
            return new ContainerServices.Started<>(
                    new KafkaService(broker.bootstrapServers(), ServiceSource.LOCAL), broker);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "cannot start the in-JVM Kafka broker (" + e + "); or set " + KAFKA_VARIABLE
                            + " to an existing broker",
                    e);
        }
    }

    private static ContainerServices.Started<?> clickHouse() {
        String url = System.getenv(CLICKHOUSE_VARIABLE);
        if (url != null && !url.isBlank()) {
            URI uri = URI.create(url.trim());
            String user = System.getenv().getOrDefault(CLICKHOUSE_VARIABLE.replace("_URL", "_USER"), "default");
            String password = System.getenv().getOrDefault(CLICKHOUSE_VARIABLE.replace("_URL", "_PASSWORD"), "");
            // Any query string of the URL (e.g. compress=false for the local server) is passed to JDBC.
            URI endpoint = URI.create(uri.getScheme() + "://" + uri.getHost() + ":" + uri.getPort());
            return new ContainerServices.Started<>(
                    new ClickHouseService(
                            endpoint,
                            user,
                            password,
                            uri.getQuery() == null ? "" : uri.getQuery(),
                            ServiceSource.ENVIRONMENT,
                            null),
                    () -> {});
        }
        if (Docker.available()) {
            return ContainerServices.clickHouse();
        }
        try {
            LocalClickHouseServer server = LocalClickHouseServer.startNew();
            ClickHouseService.Outage outage = new ClickHouseService.Outage() {
                @Override
                public void stop() {
                    server.stop();
                }

                @Override
                public void start() {
                    server.start();
                }

                @Override
                public void crash() {
                    server.crash();
                }
            };
            // The local server speaks uncompressed responses only (see local/chdb_http_server.py).
            ClickHouseService service = new ClickHouseService(
                    URI.create("http://127.0.0.1:" + server.port()),
                    "default",
                    "",
                    "compress=false",
                    ServiceSource.LOCAL,
                    outage);
            return new ContainerServices.Started<>(service, server);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local ClickHouse: " + e.getMessage(), e);
        }
    }

    /** The outcome of resolving one service; closed by JUnit at the end of the run. */
    private record Resolved(Object service, AutoCloseable closer, RuntimeException failure) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            if (closer != null) {
                closer.close();
            }
        }
    }
}
