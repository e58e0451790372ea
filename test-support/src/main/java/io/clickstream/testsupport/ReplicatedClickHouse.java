package io.clickstream.testsupport;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.MountableFile;

/**
 * A replicated ClickHouse from Testcontainers, built from the files docker-compose.cluster.yml
 * mounts: three Keeper nodes ({@code cluster/keeper.xml}) and two replicas of one shard
 * ({@code cluster/clickhouse-replica.xml}) on their own Docker network, under the names the files
 * use (keeper-1..3, clickhouse-1..2). Each replica's HTTP port is bound to a fixed host port, so a
 * replica restarted by a test comes back where its clients look. Needs a Docker engine
 * ({@link #dockerAvailable()}); there is no local fallback for a replicated ClickHouse.
 */
public final class ReplicatedClickHouse implements AutoCloseable {
    private static final String IMAGE = ContainerServices.CLICKHOUSE_IMAGE.asCanonicalNameString();
    private static final String PASSWORD = "replicated-test";

    private final Network network;
    private final List<GenericContainer<?>> keepers;
    private final List<GenericContainer<?>> replicas;
    private final List<ClickHouseService> services;

    private ReplicatedClickHouse(
            Network network,
            List<GenericContainer<?>> keepers,
            List<GenericContainer<?>> replicas,
            List<ClickHouseService> services) {
        this.network = network;
        this.keepers = keepers;
        this.replicas = replicas;
        this.services = services;
    }

    /**
     * Whether Docker answers. With {@code CLICKSTREAM_IT_DOCKER=required} a missing engine throws
     * instead (the CI job that exists to run these tests fails); with {@code never}, false.
     */
    public static boolean dockerAvailable() {
        return Docker.available();
    }

    /** Starts the Keeper ensemble and both replicas; each replica answers /ping when this returns. */
    public static ReplicatedClickHouse start() {
        Network network = Network.newNetwork();
        List<GenericContainer<?>> keepers = new ArrayList<>();
        List<GenericContainer<?>> replicas = new ArrayList<>();
        List<ClickHouseService> services = new ArrayList<>();
        try {
            for (int id = 1; id <= 3; id++) {
                GenericContainer<?> keeper = new GenericContainer<>(IMAGE)
                        .withNetwork(network)
                        .withNetworkAliases("keeper-" + id)
                        .withEnv("KEEPER_SERVER_ID", Integer.toString(id))
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(RepositoryLayout.resolve("cluster/keeper.xml")),
                                "/etc/clickhouse-keeper/keeper_config.xml")
                        .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint(
                                "clickhouse", "keeper", "--config-file=/etc/clickhouse-keeper/keeper_config.xml"))
                        .withExposedPorts(9181)
                        .waitingFor(Wait.forListeningPort());
                keepers.add(keeper);
            }
            // together: each waits for a port, and the ensemble elects a leader once a majority is up
            keepers.parallelStream().forEach(GenericContainer::start);
            for (int n = 1; n <= 2; n++) {
                String name = "clickhouse-" + n;
                int hostPort = ContainerServices.freePort();
                GenericContainer<?> replica = new GenericContainer<>(IMAGE)
                        .withNetwork(network)
                        .withNetworkAliases(name)
                        .withEnv("CLICKHOUSE_REPLICA", name)
                        .withEnv("CLICKHOUSE_USER", "default")
                        .withEnv("CLICKHOUSE_PASSWORD", PASSWORD)
                        .withEnv("CLICKHOUSE_DEFAULT_ACCESS_MANAGEMENT", "1")
                        .withCopyFileToContainer(
                                MountableFile.forHostPath(RepositoryLayout.resolve("cluster/clickhouse-replica.xml")),
                                "/etc/clickhouse-server/config.d/clickstream-replica.xml")
                        .withExposedPorts(8123)
                        .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig()
                                .withPortBindings(
                                        new PortBinding(Ports.Binding.bindPort(hostPort), new ExposedPort(8123))))
                        .waitingFor(Wait.forHttp("/ping").forPort(8123));
                replica.start();
                replicas.add(replica);
                services.add(new ClickHouseService(
                        URI.create("http://" + replica.getHost() + ":" + hostPort),
                        "default",
                        PASSWORD,
                        "",
                        ServiceSource.TESTCONTAINERS,
                        null));
            }
            return new ReplicatedClickHouse(network, keepers, replicas, services);
        } catch (RuntimeException e) {
            replicas.forEach(GenericContainer::stop);
            keepers.forEach(GenericContainer::stop);
            network.close();
            throw e;
        }
    }

    /** The replica {@code n} (1 or 2), as the administrator. */
    public ClickHouseService replica(int n) {
        return services.get(n - 1);
    }

    /** Stops replica {@code n} (SIGTERM, as {@code docker restart} does) and starts it again on the same port. */
    public void restart(int n) {
        GenericContainer<?> replica = replicas.get(n - 1);
        replica.getDockerClient()
                .restartContainerCmd(replica.getContainerId())
                .withTimeout(30)
                .exec();
    }

    @Override
    public void close() {
        replicas.forEach(GenericContainer::stop);
        keepers.forEach(GenericContainer::stop);
        network.close();
    }
}
