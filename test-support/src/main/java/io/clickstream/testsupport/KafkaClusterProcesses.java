package io.clickstream.testsupport;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;

/**
 * A Kafka cluster of three nodes on this machine, each a process of its own running Kafka's own
 * server ({@code kafka.Kafka}, KRaft, every node a broker and a voter of the controller quorum),
 * so a test can SIGKILL the leader of a partition (no shutdown, no goodbye to the controller) and
 * start it again on its data. Internal topics and new topics get three replicas and
 * {@code min.insync.replicas=2}; unclean leader election is off.
 */
public final class KafkaClusterProcesses implements AutoCloseable {
    public static final int NODES = 3;
    private static final List<String> JVM = List.of("-Xms64m", "-Xmx320m", "-XX:+UseSerialGC");

    private final Path dir;
    private final int[] brokerPorts;
    private final JavaProcess[] nodes = new JavaProcess[NODES + 1]; // by node id, 1..3
    private final boolean[] killed = new boolean[NODES + 1]; // by node id: killed on purpose, not yet restarted
    private final Admin admin;

    private KafkaClusterProcesses(Path dir, int[] brokerPorts) {
        this.dir = dir;
        this.brokerPorts = brokerPorts;
        this.admin = Admin.create(Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                30_000));
    }

    public static KafkaClusterProcesses start(Path dir) throws Exception {
        int[] ports = freePorts(2 * NODES);
        int[] brokerPorts = new int[NODES + 1];
        StringBuilder voters = new StringBuilder();
        for (int id = 1; id <= NODES; id++) {
            brokerPorts[id] = ports[id - 1];
            voters.append(voters.isEmpty() ? "" : ",")
                    .append(id)
                    .append("@127.0.0.1:")
                    .append(ports[NODES + id - 1]);
        }
        String clusterId = Uuid.randomUuid().toString();
        for (int id = 1; id <= NODES; id++) {
            Path config = dir.resolve("node-" + id + ".properties");
            Files.writeString(
                    config,
                    String.join(
                                    "\n",
                                    List.of(
                                            "process.roles=broker,controller",
                                            "node.id=" + id,
                                            "controller.quorum.voters=" + voters,
                                            "listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[id]
                                                    + ",CONTROLLER://127.0.0.1:" + ports[NODES + id - 1],
                                            "advertised.listeners=PLAINTEXT://127.0.0.1:" + brokerPorts[id],
                                            "controller.listener.names=CONTROLLER",
                                            "inter.broker.listener.name=PLAINTEXT",
                                            "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                                            "log.dirs=" + dir.resolve("node-" + id + "-data"),
                                            "offsets.topic.replication.factor=3",
                                            "offsets.topic.num.partitions=3",
                                            "transaction.state.log.replication.factor=3",
                                            "transaction.state.log.min.isr=2",
                                            "default.replication.factor=3",
                                            "min.insync.replicas=2",
                                            "unclean.leader.election.enable=false",
                                            "group.initial.rebalance.delay.ms=0",
                                            "auto.create.topics.enable=false"))
                            + "\n");
            try (JavaProcess format = JavaProcess.mainClass(
                    JVM,
                    "kafka.tools.StorageTool",
                    dir.resolve("node-" + id + "-format.log"),
                    List.of("format", "-t", clusterId, "-c", config.toString()))) {
                int exit = format.waitFor(Await.HANG);
                if (exit != 0) {
                    throw new IllegalStateException("formatting node " + id + " failed:\n" + format.tail());
                }
            }
        }
        KafkaClusterProcesses cluster = new KafkaClusterProcesses(dir, brokerPorts);
        try {
            for (int id = 1; id <= NODES; id++) {
                cluster.launch(id);
            }
            cluster.awaitBrokers(NODES);
            return cluster;
        } catch (Exception | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private void launch(int id) throws IOException {
        nodes[id] = JavaProcess.mainClass(
                JVM,
                "kafka.Kafka",
                dir.resolve("node-" + id + ".log"),
                List.of(dir.resolve("node-" + id + ".properties").toString()));
    }

    private static int[] freePorts(int count) throws IOException {
        List<ServerSocket> sockets = new ArrayList<>();
        try {
            int[] ports = new int[count];
            for (int i = 0; i < count; i++) {
                ServerSocket socket = new ServerSocket(0);
                sockets.add(socket);
                ports[i] = socket.getLocalPort();
            }
            return ports;
        } finally {
            for (ServerSocket socket : sockets) {
                socket.close();
            }
        }
    }

    public String bootstrapServers() {
        StringBuilder servers = new StringBuilder();
        for (int id = 1; id <= NODES; id++) {
            servers.append(servers.isEmpty() ? "" : ",").append("127.0.0.1:").append(brokerPorts[id]);
        }
        return servers.toString();
    }

    /** Waits until {@code count} brokers are registered and answering. */
    public void awaitBrokers(int count) throws InterruptedException {
        Await.untilTrue(
                count + " brokers in the cluster",
                Await.HANG,
                () -> {
                    for (int id = 1; id <= NODES; id++) {
                        if (nodes[id] != null && !nodes[id].isAlive() && !killed[id]) {
                            throw new AssertionError("node " + id + " exited:\n" + nodes[id].tail());
                        }
                    }
                    try {
                        return admin.describeCluster()
                                        .nodes()
                                        .get(10, TimeUnit.SECONDS)
                                        .size()
                                == count;
                    } catch (Exception notYet) {
                        return false;
                    }
                },
                () -> nodes[1] == null ? "" : nodes[1].tail());
    }

    /** The node id leading {@code topic}'s {@code partition}, as the cluster's metadata says now. */
    public int leaderOf(String topic, int partition) throws Exception {
        TopicDescription description = admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get(30, TimeUnit.SECONDS)
                .get(topic);
        TopicPartitionInfo info = description.partitions().get(partition);
        Node leader = info.leader();
        if (leader == null || leader.isEmpty()) {
            throw new IllegalStateException(topic + "-" + partition + " has no leader");
        }
        return leader.id();
    }

    /** Waits until every partition of {@code topic} has a leader and all {@code replicas} in sync. */
    public void awaitInSync(String topic, int replicas, Duration hangAfter) throws InterruptedException {
        Await.untilTrue(
                topic + " fully in sync",
                hangAfter,
                () -> {
                    try {
                        TopicDescription d = admin.describeTopics(List.of(topic))
                                .allTopicNames()
                                .get(10, TimeUnit.SECONDS)
                                .get(topic);
                        return d.partitions().stream()
                                .allMatch(p -> p.leader() != null
                                        && !p.leader().isEmpty()
                                        && p.isr().size() == replicas);
                    } catch (Exception notYet) {
                        return false;
                    }
                },
                () -> "");
    }

    /** SIGKILL node {@code id}: what a crashed machine or an OOM kill does to a broker. */
    public void kill(int id) throws InterruptedException {
        killed[id] = true;
        nodes[id].kill();
    }

    /** Starts a killed node again on its data and waits until it is back in the cluster. */
    public void restart(int id) throws Exception {
        launch(id);
        killed[id] = false;
        awaitBrokers(NODES);
    }

    public String log(int id) {
        return nodes[id] == null ? "" : nodes[id].tail();
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        for (int id = NODES; id >= 1; id--) {
            if (nodes[id] != null) {
                nodes[id].close();
            }
        }
    }
}
