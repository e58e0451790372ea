package io.clickstream.testsupport;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import org.testcontainers.clickhouse.ClickHouseContainer;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Services from Testcontainers, used when a Docker engine answers. Images are the ones
 * docker-compose.yml runs, so tests and the demo exercise the same versions.
 */
final class ContainerServices {
    /** Apache Kafka in KRaft mode (no ZooKeeper), same version as the in-JVM broker. */
    static final DockerImageName KAFKA_IMAGE = DockerImageName.parse("apache/kafka:4.3.1");
    /** ClickHouse 25.8, the current LTS line. */
    static final DockerImageName CLICKHOUSE_IMAGE = DockerImageName.parse("clickhouse/clickhouse-server:25.8");

    private ContainerServices() {}

    static Started<KafkaService> kafka() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        return new Started<>(
                new KafkaService(container.getBootstrapServers(), ServiceSource.TESTCONTAINERS), container::stop);
    }

    static Started<ClickHouseService> clickHouse() {
        // SQL access management for the container's user, so tests can create least-privilege users.
        int httpPort = freePort();
        ClickHouseContainer container = new ClickHouseContainer(CLICKHOUSE_IMAGE)
                .withEnv("CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "1")
                // ClickHouse may be asked to reach a server a test runs on this machine (s3() of an export)
                .withAccessToHost(true)
                // A fixed host port: a container killed and started again (crash tests) comes back
                // where the clients look, instead of on a new random port.
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                        .withPortBindings(new PortBinding(Ports.Binding.bindPort(httpPort), new ExposedPort(8123))));
        container.start();
        // Pause rather than stop: a stopped container gets a new host port on restart.
        ClickHouseService.Outage outage = new ClickHouseService.Outage() {
            @Override
            public void stop() {
                container
                        .getDockerClient()
                        .pauseContainerCmd(container.getContainerId())
                        .exec();
            }

            @Override
            public void start() {
                container
                        .getDockerClient()
                        .unpauseContainerCmd(container.getContainerId())
                        .exec();
            }

            @Override
            public void crash() {
                container
                        .getDockerClient()
                        .killContainerCmd(container.getContainerId())
                        .withSignal("KILL")
                        .exec();
                container
                        .getDockerClient()
                        .startContainerCmd(container.getContainerId())
                        .exec();
            }
        };
        ClickHouseService service = new ClickHouseService(
                URI.create(container.getHttpUrl()),
                container.getUsername(),
                container.getPassword(),
                "",
                ServiceSource.TESTCONTAINERS,
                outage);
        return new Started<>(service, container::stop);
    }

    /** A port free on this machine now, for a container's fixed host binding. */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port for the ClickHouse container", e);
        }
    }

    /** A service and how to release it at the end of the test JVM. */
    record Started<T>(T service, AutoCloseable closer) {}
}
