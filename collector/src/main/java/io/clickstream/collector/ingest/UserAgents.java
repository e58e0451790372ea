package io.clickstream.collector.ingest;

import java.util.Locale;
import java.util.Map;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * {@code device}, {@code browser} and {@code os} from a {@code User-Agent} header, parsed by
 * Yauaa (a maintained analyzer with its own rule set; no regular expressions of ours). Values
 * use the simulator's vocabulary where the two overlap (desktop/mobile/tablet, Windows, macOS),
 * so dashboards group browser traffic with simulated traffic; anything else keeps Yauaa's name.
 * Thread-safe; results are cached per header value.
 */
public final class UserAgents {
    /** What we store for a request without a User-Agent, or one Yauaa cannot place. */
    public static final String UNKNOWN = "unknown";

    /** The three fields, as stored. */
    public record Client(String device, String browser, String os) {}

    private static final Map<String, String> DEVICE_CLASSES = Map.of(
            "Desktop", "desktop",
            "Phone", "mobile",
            "Mobile", "mobile",
            "Watch", "mobile",
            "Tablet", "tablet",
            "eReader", "tablet");
    private static final Map<String, String> OPERATING_SYSTEMS = Map.of(
            "Windows NT", "Windows",
            "Mac OS", "macOS",
            "Mac OS X", "macOS");

    private final UserAgentAnalyzer analyzer;

    public UserAgents() {
        this.analyzer = UserAgentAnalyzer.newBuilder()
                .hideMatcherLoadStats()
                .withCache(10_000)
                .withField(UserAgent.DEVICE_CLASS)
                .withField(UserAgent.AGENT_NAME)
                .withField(UserAgent.OPERATING_SYSTEM_NAME)
                .immediateInitialization()
                .build();
    }

    public Client parse(String header) {
        if (header == null || header.isBlank()) {
            return new Client(UNKNOWN, UNKNOWN, UNKNOWN);
        }
        UserAgent agent = analyzer.parse(header);
        String deviceClass = agent.getValue(UserAgent.DEVICE_CLASS);
        return new Client(
                DEVICE_CLASSES.getOrDefault(deviceClass, known(deviceClass).toLowerCase(Locale.ROOT)),
                known(agent.getValue(UserAgent.AGENT_NAME)),
                known(OPERATING_SYSTEMS.getOrDefault(
                        agent.getValue(UserAgent.OPERATING_SYSTEM_NAME),
                        agent.getValue(UserAgent.OPERATING_SYSTEM_NAME))));
    }

    /** Yauaa's value, or {@link #UNKNOWN} for its "could not tell" markers. */
    private static String known(String value) {
        if (value == null || value.isBlank() || value.equals("Unknown") || value.startsWith("??")) {
            return UNKNOWN;
        }
        return value.length() > 64 ? value.substring(0, 64) : value;
    }
}
