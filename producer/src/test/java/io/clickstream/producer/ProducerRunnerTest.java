package io.clickstream.producer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.model.ClickEvent;
import io.clickstream.producer.pacing.FakeTicker;
import io.clickstream.producer.simulation.Scenario;
import io.clickstream.producer.simulation.SimulatedSource;
import io.clickstream.producer.simulation.SimulationOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProducerRunnerTest {
    private static final long SECOND = 1_000_000_000L;

    /** Records the (fake) time of every send; optionally takes time per send like a slow broker. */
    private static final class RecordingSink implements EventSink {
        final List<Long> sendTimes = new ArrayList<>();
        final List<ClickEvent> events = new ArrayList<>();
        final FakeTicker ticker;
        final long costPerSend;

        RecordingSink(FakeTicker ticker, long costPerSend) {
            this.ticker = ticker;
            this.costPerSend = costPerSend;
        }

        @Override
        public void send(ClickEvent event) {
            sendTimes.add(ticker.nanoTime());
            events.add(event);
            ticker.advance(costPerSend);
        }

        @Override
        public void flush() {}

        @Override
        public long acknowledged() {
            return events.size();
        }

        @Override
        public long failed() {
            return 0;
        }

        @Override
        public void close() {}
    }

    private static RecordingSink run(SimulationOptions options, double rate, Duration duration, long costPerSend)
            throws Exception {
        FakeTicker ticker = new FakeTicker();
        RecordingSink sink = new RecordingSink(ticker, costPerSend);
        new ProducerRunner(
                        new SimulatedSource(options, rate),
                        sink,
                        ticker,
                        null,
                        duration,
                        Duration.ofSeconds(5),
                        line -> {})
                .run();
        return sink;
    }

    private static int maxInAnyWindow(List<Long> times, long window) {
        int max = 0;
        for (int i = 0, j = 0; i < times.size(); i++) {
            while (times.get(i) - times.get(j) >= window) {
                j++;
            }
            max = Math.max(max, i - j + 1);
        }
        return max;
    }

    @Test
    void holdsTheTargetRateOverASimulatedMinuteWithoutBursts() throws Exception {
        RecordingSink sink = run(SimulationOptions.defaults(1), 100, Duration.ofMinutes(1), 0);
        int sent = sink.sendTimes.size();
        assertTrue(Math.abs(sent - 6_000) <= 120, "6,000 ± 2% expected, sent " + sent);
        assertTrue(maxInAnyWindow(sink.sendTimes, SECOND) <= 101, "no more than rate+1 events in any second");
        assertTrue(maxInAnyWindow(sink.sendTimes, SECOND / 10) <= 11, "evenly spread within the second");
    }

    @Test
    void doesNotDriftOverALongRun() throws Exception {
        RecordingSink sink = run(SimulationOptions.defaults(1), 333, Duration.ofHours(1), 0);
        assertEquals(
                333L * 3600, sink.sendTimes.size(), 1, "exact count after a simulated hour at a non-integer interval");
    }

    @Test
    void slowSinkDoesNotCauseACatchUpBurst() throws Exception {
        // Each send takes 15 ms while the schedule asks for one every 10 ms: we fall behind.
        RecordingSink sink = run(SimulationOptions.defaults(1), 100, Duration.ofSeconds(30), 15_000_000L);
        assertTrue(maxInAnyWindow(sink.sendTimes, SECOND) <= 101, "never faster than the target rate");
    }

    @Test
    void trafficDropLowersTheRateFromItsStartOffset() throws Exception {
        SimulationOptions options = SimulationOptions.defaults(1)
                .withScenario(Scenario.TRAFFIC_DROP, Duration.ofSeconds(30), Duration.ofSeconds(60));
        RecordingSink sink = run(options, 100, Duration.ofSeconds(90), 0);
        long before = sink.sendTimes.stream().filter(t -> t < 30 * SECOND).count();
        long during = sink.sendTimes.stream()
                .filter(t -> t >= 30 * SECOND && t < 60 * SECOND)
                .count();
        long after = sink.sendTimes.stream().filter(t -> t >= 60 * SECOND).count();
        assertEquals(3_000, before, 2);
        assertEquals(600, during, 2); // 100/s × 0.2 for 30 s
        assertEquals(3_000, after, 2);
    }

    @Test
    void stopsAtTheConfiguredCountAndStampsSendTime() throws Exception {
        FakeTicker ticker = new FakeTicker();
        RecordingSink sink = new RecordingSink(ticker, 0);
        ProducerRunner.Summary summary = new ProducerRunner(
                        new SimulatedSource(SimulationOptions.defaults(3), 50),
                        sink,
                        ticker,
                        250L,
                        null,
                        Duration.ofSeconds(5),
                        line -> {})
                .run();
        assertEquals(250, summary.sent());
        assertEquals(250, sink.events.size());
        for (int i = 0; i < sink.events.size(); i++) {
            assertEquals(
                    ticker.now().minusNanos(ticker.nanoTime() - sink.sendTimes.get(i)),
                    sink.events.get(i).timestamp());
        }
    }
}
