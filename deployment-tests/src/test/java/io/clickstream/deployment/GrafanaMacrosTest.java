package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GrafanaMacrosTest {
    private static final Instant FROM = Instant.parse("2026-11-25T10:00:00.250Z");
    private static final Instant TO = Instant.parse("2026-11-25T10:15:00Z");

    @Test
    void expandsLikeThePlugin() {
        assertEquals(
                "SELECT toStartOfInterval(toDateTime(ts), INTERVAL 20 second) AS t FROM x WHERE ts >= toDateTime(1795600800)"
                        + " AND ts <= toDateTime(1795601700) AND y > toDateTime(1795601700) - 20",
                GrafanaMacros.expand(
                        "SELECT $__timeInterval(ts) AS t FROM x WHERE $__timeFilter(ts) AND y > $__toTime - $__interval_s",
                        FROM,
                        TO,
                        20));
        assertEquals(
                "a >= fromUnixTimestamp64Milli(1795600800250) AND a <= fromUnixTimestamp64Milli(1795601700000) fromUnixTimestamp64Milli(1795600800250)",
                GrafanaMacros.expand("$__timeFilter_ms(a) $__fromTime_ms", FROM, TO, 1));
    }

    @Test
    void dashboardVariablesExpandLikeThePluginFrontEnd() {
        String sql =
                "SELECT 1 FROM t WHERE $__conditionalAll(browser IN (${browser:singlequote}), $browser) AND x IN (1, 2)";
        assertEquals("SELECT 1 FROM t WHERE 1=1 AND x IN (1, 2)", GrafanaMacros.expand(sql, FROM, TO, 1));
        assertEquals(
                "SELECT 1 FROM t WHERE browser IN ('Safari','Samsung Internet') AND x IN (1, 2)",
                GrafanaMacros.expand(sql, FROM, TO, 1, Map.of("browser", List.of("Safari", "Samsung Internet"))));
        assertThrows(AssertionError.class, () -> GrafanaMacros.expand("SELECT $browser", FROM, TO, 1));
    }

    @Test
    void unknownMacroFails() {
        assertThrows(AssertionError.class, () -> GrafanaMacros.expand("SELECT $__unixEpochFilter(t)", FROM, TO, 1));
    }
}
