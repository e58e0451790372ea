package io.clickstream.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The project's test broker as a process of its own ({@link LocalKafkaMain}), so a test can
 * freeze it (SIGSTOP): to its clients exactly a broker that hangs, or a network that drops
 * everything, for as long as the test wants.
 */
public final class BrokerProcess implements AutoCloseable {
    public final JavaProcess process;
    public final KafkaService kafka;

    private BrokerProcess(JavaProcess process, KafkaService kafka) {
        this.process = process;
        this.kafka = kafka;
    }

    public static BrokerProcess start(Path dir) throws IOException, InterruptedException {
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
