package io.clickstream.consumer;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.LocalKafkaMain;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's test broker as a process of its own ({@link LocalKafkaMain}), so a test can
 * freeze it (SIGSTOP): to its clients exactly a broker that hangs, or a network that drops
 * everything, for as long as the test wants.
 */
final class BrokerProcess implements AutoCloseable {
    final JavaProcess process;
    final KafkaService kafka;

    private BrokerProcess(JavaProcess process, KafkaService kafka) {
        this.process = process;
        this.kafka = kafka;
    }

    static BrokerProcess start(Path dir) throws IOException, InterruptedException {
        Path bootstrapFile = dir.resolve("bootstrap");
        JavaProcess process = JavaProcess.mainClass(
                LocalKafkaMain.class.getName(), dir.resolve("broker.log"), List.of(bootstrapFile.toString()));
        process.awaitOutput("Kafka broker ready", Await.HANG);
        return new BrokerProcess(
                process, KafkaService.connect(Files.readString(bootstrapFile).trim()));
    }

    @Override
    public void close() {
        process.close();
    }
}
