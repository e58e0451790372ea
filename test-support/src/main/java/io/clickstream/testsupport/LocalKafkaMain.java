package io.clickstream.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the in-JVM test broker as a process, for local runs and benchmarks without Docker:
 * {@code java -cp <test-support classpath> io.clickstream.testsupport.LocalKafkaMain [bootstrap-file]}.
 * Prints (and optionally writes) the bootstrap address; stops on SIGTERM / Ctrl-C.
 */
public final class LocalKafkaMain {
    private LocalKafkaMain() {}

    public static void main(String[] args) throws Exception {
        LocalKafkaBroker broker = LocalKafkaBroker.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            try {
                                broker.close();
                            } catch (Exception e) {
                                System.err.println("broker shutdown: " + e);
                            }
                            stopped.countDown();
                        },
                        "broker-shutdown"));
        String bootstrap = broker.bootstrapServers();
        if (args.length > 0) {
            Path file = Path.of(args[0]);
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.writeString(tmp, bootstrap);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("Kafka broker ready: " + bootstrap);
        stopped.await();
    }
}
