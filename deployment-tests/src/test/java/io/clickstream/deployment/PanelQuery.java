package io.clickstream.deployment;

import io.clickstream.testsupport.ClickHouseService;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A panel's query run as Grafana runs it: macros expanded, on a test's database, in a given session timezone. */
final class PanelQuery {
    private PanelQuery() {}

    /**
     * @param selected the dashboard's variables set to these values (absent: All)
     * @param timeZone the connection's session timezone (a server set to another zone)
     */
    static List<Map<String, String>> rows(
            ClickHouseService ch,
            String db,
            String sql,
            Instant from,
            Instant to,
            Map<String, List<String>> selected,
            String timeZone) {
        return ch.queryRows(GrafanaMacros.expand(sql, from, to, 60, selected).replace("clickstream.", db + ".")
                + "\nSETTINGS session_timezone = '" + timeZone + "'");
    }
}
