package io.clickstream.consumer.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ReplayOptionsTest {
    private static final Clock NOW = Clock.fixed(Instant.parse("2026-11-26T12:00:00Z"), ZoneOffset.UTC);

    private static ReplayOptions parse(String... args) throws ConfigException {
        return ReplayOptions.from(Settings.parse(args, Map.of(), ReplaySettings.ALL), NOW);
    }

    @Test
    void defaultsReplayEveryClassOfAllTime() throws Exception {
        ReplayOptions options = parse();
        assertEquals(DeadLetterReplay.REASON_CLASSES, options.reasonClasses());
        assertEquals(Instant.EPOCH, options.since());
        assertEquals(false, options.dryRun());
    }

    @Test
    void sinceIsADurationBackFromNowOrAnInstant() throws Exception {
        assertEquals(
                Instant.parse("2026-11-25T12:00:00Z"), parse("--since", "24h").since());
        assertEquals(
                Instant.parse("2026-11-20T08:00:00Z"),
                parse("--since", "2026-11-20T08:00:00Z").since());
        String message = assertThrows(ConfigException.class, () -> parse("--since", "2026-13-40T08:00:00Z"))
                .getMessage();
        assertTrue(message.contains("--since") && message.contains("not an instant"), message);
    }

    @Test
    void reasonClassesAreCheckedAndDeduplicated() throws Exception {
        assertEquals(
                List.of("rejected_by_clickhouse", "malformed"),
                parse("--reason-class", "rejected_by_clickhouse, malformed,rejected_by_clickhouse")
                        .reasonClasses());
        String message = assertThrows(ConfigException.class, () -> parse("--reason-class", "malformed,nope"))
                .getMessage();
        assertTrue(message.contains("names 'nope', not one of malformed"), message);
    }

    @Test
    void aBareDryRunFlagMeansTrue() {
        assertEquals(2, ReplayCommand.run(new String[] {"--dry-run", "--since", "soon"}, Map.of()), "bad --since");
        assertEquals(2, ReplayCommand.run(new String[] {"--dry-run", "maybe"}, Map.of()), "no stray value");
    }
}
