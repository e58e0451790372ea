package io.clickstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Configuration errors end the process with exit code 2 before anything is sent. */
class ProducerMainTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "--rate=-1",
                "--rate=abc",
                "--partitions=0",
                "--mode=stream",
                "--scenario=meteor",
                "--users=0",
                "--cart-rate=1.5",
                "--duration=forever",
                "--count=0",
                "--segment=color=red",
                "--unknown=1",
                "--mode=replay",
                "--mode=replay --replay-file=/does/not/exist.csv",
                "--mode=replay --replay-file=src/test/resources/replay-sample.csv --replay-format=nope",
                "--mode=replay --replay-file=src/test/resources/replay-sample.csv --replay-format=retailrocket",
                "--scenario=traffic-drop --rate=0",
                "--scenario=checkout-outage --scenario-start=5m --scenario-end=1m",
            })
    void badConfigurationExitsWithTwo(String args) {
        assertEquals(ProducerMain.EXIT_BAD_CONFIG, ProducerMain.run(args.split(" "), Map.of()));
    }

    @Test
    void badEnvironmentVariableExitsWithTwo() {
        assertEquals(ProducerMain.EXIT_BAD_CONFIG, ProducerMain.run(new String[0], Map.of("PRODUCER_RATE", "lots")));
    }

    @Test
    void helpExitsWithZero() {
        assertEquals(ProducerMain.EXIT_OK, ProducerMain.run(new String[] {"--help"}, Map.of()));
    }
}
