package io.clickstream.producer.config;

import static io.clickstream.producer.config.ProducerSettings.*;

import io.clickstream.producer.replay.CsvReplaySource;
import io.clickstream.producer.replay.ReplayMapping;
import io.clickstream.producer.simulation.Scenario;
import io.clickstream.producer.simulation.Segment;
import io.clickstream.producer.simulation.SimulationOptions;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The producer's validated configuration, built once in {@code main}.
 *
 * @param rate         events per second; 0 = unthrottled
 * @param duration     stop after this long, or {@code null}
 * @param count        stop after this many events, or {@code null}
 * @param replayFile   replay mode only
 * @param replaySpeed  replay at original pace times this factor, or {@code null} to use {@code rate}
 * @param replayMapping how the replay file's columns become events, or {@code null} to tell
 *     from its header (--replay-format auto)
 */
public record ProducerOptions(
        String bootstrapServers,
        String topic,
        int partitions,
        short replicationFactor,
        Mode mode,
        double rate,
        Duration duration,
        Long count,
        SimulationOptions simulation,
        Path replayFile,
        ReplayMapping replayMapping,
        Double replaySpeed,
        boolean replayKeepsOriginalTimestamps,
        Duration backfill,
        Duration progressInterval) {

    public enum Mode {
        SIMULATE,
        REPLAY
    }

    public static ProducerOptions from(Settings s) throws ConfigException {
        Mode mode = Mode.valueOf(s.choice(MODE, List.of("simulate", "replay")).toUpperCase());
        Long seed = s.optionalLong(SEED, Long.MIN_VALUE);
        Scenario scenario = Scenario.fromName(s.choice(SCENARIO, Scenario.names()));
        Duration scenarioStart = s.duration(SCENARIO_START);
        Duration scenarioEnd = s.optionalDuration(SCENARIO_END);
        if (scenarioEnd != null && scenarioEnd.compareTo(scenarioStart) <= 0) {
            throw Settings.invalid(
                    SCENARIO_END,
                    s.string(SCENARIO_END),
                    "must be after --scenario-start (" + s.string(SCENARIO_START) + ")");
        }
        Segment segment;
        try {
            segment = Segment.parse(s.required(SEGMENT));
        } catch (IllegalArgumentException e) {
            throw Settings.invalid(SEGMENT, s.string(SEGMENT), e.getMessage());
        }
        SimulationOptions simulation = new SimulationOptions(
                s.integer(USERS, 1, 10_000_000),
                s.integer(PRODUCTS, 1, 10_000_000),
                s.decimal(CART_RATE, 0, 1),
                s.decimal(PURCHASE_RATE, 0, 1),
                seed == null ? System.nanoTime() : seed,
                scenario,
                scenarioStart,
                scenarioEnd,
                s.decimal(DROP_FACTOR, 0.001, 1),
                segment);

        Path replayFile = null;
        Double replaySpeed = null;
        ReplayMapping replayMapping = null;
        if (mode == Mode.REPLAY) {
            if (s.string(REPLAY_FILE) == null) {
                throw new ConfigException(REPLAY_FILE.names() + " is required in replay mode");
            }
            replayFile = s.readableFile(REPLAY_FILE);
            String format = s.required(REPLAY_FORMAT);
            if (!format.equals(CsvReplaySource.AUTO)) {
                try {
                    replayMapping = ReplayMapping.named(format);
                } catch (IllegalArgumentException e) {
                    throw Settings.invalid(REPLAY_FORMAT, format, e.getMessage());
                }
            }
            if (s.string(REPLAY_SPEED) != null) {
                replaySpeed = s.decimal(REPLAY_SPEED, 0.001, 1_000_000);
            }
        }
        double rate = s.decimal(RATE, 0, 10_000_000);
        if (rate == 0 && scenario != Scenario.NONE) {
            throw Settings.invalid(
                    SCENARIO,
                    scenario.label(),
                    "needs a target rate: incidents are timed on the" + " rate schedule, and --rate 0 has none");
        }
        Duration backfill = s.optionalDuration(BACKFILL);
        if (backfill != null) {
            if (mode != Mode.SIMULATE) {
                throw Settings.invalid(BACKFILL, s.string(BACKFILL), "only simulates (not with --mode replay)");
            }
            if (backfill.isZero() || backfill.compareTo(Duration.ofDays(400)) > 0) {
                throw Settings.invalid(BACKFILL, s.string(BACKFILL), "must be between 1ms and 400d");
            }
            if (rate == 0) {
                throw Settings.invalid(
                        BACKFILL, s.string(BACKFILL), "needs a target rate: history is simulated at --rate");
            }
        }
        Duration duration = s.optionalDuration(DURATION);
        if (duration != null && duration.isZero()) {
            throw Settings.invalid(DURATION, s.string(DURATION), "must be positive");
        }
        return new ProducerOptions(
                s.required(BOOTSTRAP),
                s.required(TOPIC),
                s.integer(PARTITIONS, 1, 10_000),
                (short) s.integer(REPLICATION, 1, 32),
                mode,
                rate,
                duration,
                s.optionalLong(COUNT, 1),
                simulation,
                replayFile,
                replayMapping,
                replaySpeed,
                s.choice(REPLAY_TIMESTAMPS, List.of("now", "original")).equals("original"),
                backfill,
                s.duration(PROGRESS));
    }
}
