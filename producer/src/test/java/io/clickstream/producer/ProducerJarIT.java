package io.clickstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.producer.replay.ReplayRowMapper;
import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.CommittedOffsets;
import io.clickstream.testsupport.JavaProcess;
import io.clickstream.testsupport.KafkaService;
import io.clickstream.testsupport.RealServices;
import io.clickstream.testsupport.TopicContents;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as users run it: a separate process, stopped by count or by SIGTERM. */
@ExtendWith(RealServices.class)
class ProducerJarIT {
    private static final Path JAR = Path.of("target/clickstream-producer.jar");
    private static final Pattern SUMMARY = Pattern.compile("done: sent ([\\d,]+), acknowledged ([\\d,]+), failed 0");

    private static JavaProcess start(Path log, String... args) throws IOException {
        return JavaProcess.jar(JAR, log, List.of(args));
    }

    private static long number(String text) {
        return Long.parseLong(text.replace(",", ""));
    }

    @Test
    void jarSendsTheRequestedCountAndExitsZero(KafkaService kafka, @TempDir Path dir) throws Exception {
        String topic = KafkaService.uniqueName("jar");
        Path log = dir.resolve("producer.log");
        try (JavaProcess producer = start(
                log,
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--count",
                "700",
                "--rate",
                "500")) {
            assertEquals(0, producer.waitFor(Await.HANG), producer.output());
            assertTrue(SUMMARY.matcher(producer.output()).find(), producer.output());
        }
        assertEquals(700, TopicContents.readAll(kafka.bootstrapServers(), topic).size());
    }

    @Test
    void sigtermFlushesAndReportsEverySentEvent(KafkaService kafka, @TempDir Path dir) throws Exception {
        String topic = KafkaService.uniqueName("sigterm");
        Path log = dir.resolve("producer.log");
        String output;
        try (JavaProcess producer =
                start(log, "--bootstrap-servers", kafka.bootstrapServers(), "--topic", topic, "--rate", "300")) {
            producer.awaitOutput("created topic", Await.HANG);
            // Mid-stream: the SIGTERM comes once 300 events reached the topic, however long that took.
            Await.until(
                    "300 events on " + topic,
                    Await.HANG,
                    () -> CommittedOffsets.endOffsets(kafka, topic),
                    written -> written >= 300,
                    producer::tail);
            producer.terminate(); // SIGTERM
            output = producer.output();
        }
        Matcher summary = SUMMARY.matcher(output);
        assertTrue(summary.find(), output);
        long sent = number(summary.group(1));
        assertEquals(sent, number(summary.group(2)), "every sent event acknowledged");
        assertTrue(sent >= 300, "sent at least what the topic held at the signal: " + sent);
        assertEquals(
                sent,
                TopicContents.readAll(kafka.bootstrapServers(), topic).size(),
                "the topic holds exactly what was reported");
    }

    /** The output of the jar replaying {@code rows} (after the dataset's header) into {@code topic}, and its exit code. */
    private record Replay(String output, int exitCode) {}

    private static Replay replay(KafkaService kafka, Path dir, String topic, String rows) throws Exception {
        Path csv = dir.resolve(topic + ".csv");
        Files.writeString(csv, String.join(",", ReplayRowMapper.HEADER) + "\n" + rows);
        Path log = dir.resolve(topic + ".log");
        try (JavaProcess producer = start(
                log,
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic",
                topic,
                "--mode",
                "replay",
                "--replay-file",
                csv.toString(),
                "--rate",
                "0")) {
            int exit = producer.waitFor(Await.HANG);
            return new Replay(producer.output(), exit);
        }
    }

    @Test
    void aReplayFileWithoutAValidRowExitsThreeAndCountsTheReasons(KafkaService kafka, @TempDir Path dir)
            throws Exception {
        Replay replay = replay(
                kafka,
                dir,
                KafkaService.uniqueName("invalid-replay"),
                "2019-10-01 00:00:00 UTC,view,1,2,,,not-a-price,3,s\n"
                        + "2019-10-01 00:00:01 UTC,view,1,2,,,also-not,3,s\n"
                        + "2019-10-01 00:00:02 UTC,click,1,2,,,1,3,s\n");
        String output = replay.output();
        assertEquals(3, replay.exitCode(), output);
        assertTrue(output.contains("rows read 3, rejected 3"), output);
        assertTrue(
                output.contains(
                        "rejected rows by reason: {event_type: unknown value '…'=1, price: '…' is not a number=2}"),
                output);
        assertTrue(output.contains("holds no valid row: nothing was replayed"), output);
    }

    @Test
    void aReplayedFileWithQuotedLineBreaksSendsEveryValidRow(KafkaService kafka, @TempDir Path dir) throws Exception {
        String topic = KafkaService.uniqueName("quoted-replay");
        Replay replay = replay(
                kafka,
                dir,
                topic,
                "2019-10-01 00:00:00 UTC,view,1,2,\"kids,toys\",\"brand\nwith a line break\",1.50,3,s\n"
                        + "2019-10-01 00:00:01 UTC,view,1,2,,\"unclosed,1.50,3,s\n"
                        + "2019-10-01 00:00:02 UTC,purchase,1,2,,,2.00,3,s\n");
        String output = replay.output();
        assertEquals(0, replay.exitCode(), output);
        assertTrue(output.contains("rows read 3, rejected 1"), output);
        assertTrue(output.contains("line 4: rejected: unterminated quote"), output);
        assertEquals(2, TopicContents.readAll(kafka.bootstrapServers(), topic).size());
    }
}
