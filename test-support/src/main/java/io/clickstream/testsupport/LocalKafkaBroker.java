package io.clickstream.testsupport;

import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Apache Kafka broker (KRaft, combined broker + controller) inside the test JVM,
 * from Kafka's own test kit on Maven Central. Listens on a free loopback port.
 */
public final class LocalKafkaBroker implements AutoCloseable {
    private final KafkaClusterTestKit cluster;

    private LocalKafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
    }

    public static LocalKafkaBroker start() throws Exception {
        KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                        .setCombined(true)
                        .setNumBrokerNodes(1)
                        .setNumControllerNodes(1)
                        .build())
                // one broker: internal topics cannot have more replicas than that
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                // tests start consumers often; do not wait 3 s for more members to join
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                // our services create their topics; a typo must fail, not create a topic
                .setConfigProp("auto.create.topics.enable", "false")
                .build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
            LocalKafkaBroker broker = new LocalKafkaBroker(cluster);
            broker.warmUp();
            return broker;
        } catch (Exception e) {
            cluster.close();
            throw e;
        }
    }

    /**
     * Ready is not yet warm: the first idempotent producer of a fresh broker waits for its
     * producer-id machinery. One acknowledged round trip here keeps that out of the tests.
     */
    private void warmUp() throws Exception {
        KafkaService.connect(bootstrapServers()).createTopicNamed("warm-up", 1);
        Properties config = new Properties();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("warm-up", new byte[] {1})).get(60, TimeUnit.SECONDS);
        }
    }

    public String bootstrapServers() {
        return cluster.bootstrapServers();
    }

    @Override
    public void close() throws Exception {
        cluster.close();
    }
}
