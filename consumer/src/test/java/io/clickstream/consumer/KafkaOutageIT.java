package io.clickstream.consumer;

import static io.clickstream.consumer.ConsumerIT.assertCleanStop;
import static io.clickstream.consumer.ConsumerIT.assertExactlyOnce;
import static io.clickstream.consumer.ConsumerIT.awaitRows;
import static io.clickstream.consumer.ConsumerIT.awaitSettled;
import static io.clickstream.consumer.ConsumerIT.databaseFor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.BrokerProcess;
import io.clickstream.testsupport.ClickHouseService;
import io.clickstream.testsupport.FaultProxy;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A broker that stops answering for longer than the consumer's Kafka API timeout (60 s): the
 * consumer rides it out, keeps what it stored, commits once Kafka is back, and never exits; and one
 * started while the broker does not answer waits for it. The broker runs as its own process
 * ({@link BrokerProcess}) so that it can be frozen with SIGSTOP.
 */
@ExtendWith(RealServices.class)
class KafkaOutageIT {
    @Test
    void aCommitKafkaDoesNotAnswerIsKeptAndMadeWhenTheBrokerIsBack(ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        try (BrokerProcess brokerProcess = BrokerProcess.start(dir);
                FaultProxy proxy = ExactlyOnceIT.proxyTo(ch)) {
            JavaProcess broker = brokerProcess.process;
            KafkaService kafka = brokerProcess.kafka;
            String topic = kafka.createTopic("kafka-outage", 3);
            String database = databaseFor(topic);
            try (TestEvents events = new TestEvents(kafka, topic, 51);
                    ConsumerProcess consumer = ExactlyOnceIT.consumerThrough(proxy, kafka, ch, topic, dir)) {
                events.send(1_000);
                awaitRows(ch, database, 1_000, consumer);
                awaitSettled(kafka, topic, consumer);

                // The next insert reaches ClickHouse and is stored; its answer waits until the broker is frozen,
                // so the commit that follows it meets a broker that does not answer.
                proxy.gateInsertAnswers(1);
                events.send(500);
                Await.untilTrue("an insert answer held", Await.HANG, () -> proxy.answersHeld() == 1, consumer::output);
                broker.suspend();
                proxy.releaseInsertAnswers();
                consumer.awaitOutput("commit not answered by Kafka", Await.HANG);
                assertTrue(consumer.isAlive(), "the consumer rides the outage out:\n" + consumer.output());
                broker.resume();

                events.send(500); // and traffic goes on
                awaitRows(ch, database, 2_000, consumer);
                awaitSettled(kafka, topic, consumer);
                assertExactlyOnce(ch, database, 2_000);
                assertCleanStop(consumer);
                consumer.output()
                        .lines()
                        .filter(line -> line.contains("commit") || line.contains("assigned") || line.contains("lost"))
                        .forEach(line -> System.out.println("[KafkaOutageIT] " + line));
            }
        }
    }

    @Test
    void aConsumerStartedWhileTheBrokerDoesNotAnswerWaitsForItInsteadOfExiting(ClickHouseService ch, @TempDir Path dir)
            throws Exception {
        try (BrokerProcess brokerProcess = BrokerProcess.start(dir)) {
            JavaProcess broker = brokerProcess.process;
            KafkaService kafka = brokerProcess.kafka;
            String topic = kafka.createTopic("kafka-late", 3);
            String database = databaseFor(topic);
            try (TestEvents events = new TestEvents(kafka, topic, 52)) {
                events.send(300);
                broker.suspend(); // a broker restarting, or frozen, while the consumer starts
                try (ConsumerProcess consumer = ConsumerProcess.start(
                        dir.resolve("consumer.log"),
                        ConsumerProcess.arguments(kafka, ch, topic, database, "--batch-max-wait", "500ms"))) {
                    consumer.awaitOutput("Kafka not ready, retrying in", Await.HANG);
                    assertTrue(consumer.isAlive(), "it waits:\n" + consumer.output());
                    broker.resume();
                    awaitRows(ch, database, 300, consumer);
                    awaitSettled(kafka, topic, consumer);
                    assertExactlyOnce(ch, database, 300);
                    assertCleanStop(consumer);
                }
            }
        }
    }
}
