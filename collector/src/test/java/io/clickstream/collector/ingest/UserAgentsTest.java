package io.clickstream.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Real User-Agent strings through the real analyzer, mapped to what we store. */
class UserAgentsTest {
    private static UserAgents agents;

    @BeforeAll
    static void analyzer() {
        agents = new UserAgents();
    }

    @Test
    void desktopBrowsers() {
        assertEquals(
                new UserAgents.Client("desktop", "Chrome", "Windows"),
                agents.parse("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Safari/537.36"));
        assertEquals(
                new UserAgents.Client("desktop", "Safari", "macOS"),
                agents.parse("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                        + " Version/18.1 Safari/605.1.15"));
        assertEquals(
                new UserAgents.Client("desktop", "Firefox", "Linux"),
                agents.parse("Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"));
    }

    @Test
    void phonesAndTablets() {
        assertEquals(
                new UserAgents.Client("mobile", "Safari", "iOS"),
                agents.parse("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15"
                        + " (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"));
        assertEquals(
                new UserAgents.Client("mobile", "Chrome", "Android"),
                agents.parse("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
                        + " Chrome/131.0.0.0 Mobile Safari/537.36"));
        assertEquals(
                "tablet",
                agents.parse("Mozilla/5.0 (iPad; CPU OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko)"
                                + " Version/17.5 Mobile/15E148 Safari/604.1")
                        .device());
    }

    @Test
    void missingOrMeaninglessHeaders() {
        assertEquals(new UserAgents.Client("unknown", "unknown", "unknown"), agents.parse(null));
        assertEquals(new UserAgents.Client("unknown", "unknown", "unknown"), agents.parse("  "));
        UserAgents.Client curl = agents.parse("curl/8.5.0");
        assertEquals("curl", curl.browser().toLowerCase(java.util.Locale.ROOT));
    }
}
