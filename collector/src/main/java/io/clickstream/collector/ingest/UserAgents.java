package io.clickstream.collector.ingest;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import nl.basjes.parse.useragent.UserAgent;
import nl.basjes.parse.useragent.UserAgentAnalyzer;

/**
 * {@code device}, {@code browser} and {@code os} from a {@code User-Agent} header, parsed by
 * Yauaa (a maintained analyzer with its own rule set; no regular expressions of ours). Values
 * use the simulator's vocabulary where the two overlap (desktop/mobile/tablet, Windows, macOS),
 * so dashboards group browser traffic with simulated traffic; anything else keeps Yauaa's name.
 * Crawlers, link previews, HTTP libraries, headless and automated browsers are bots by Yauaa's own
 * classes (its rules are maintained with the crawlers they name; {@code UserAgentsTest} holds 29
 * common ones to it).
 * Thread-safe; results are cached per header value.
 */
public final class UserAgents {
    /** What we store for a request without a User-Agent, or one Yauaa cannot place. */
    public static final String UNKNOWN = "unknown";

    /** The three fields, as stored, and whether a crawler or an automated browser sent the request. */
    public record Client(String device, String browser, String os, boolean bot) {
        public Client(String device, String browser, String os) {
            this(device, browser, os, false);
        }
    }

    /** Yauaa's device and agent classes of crawlers, scrapers, automation and attack tools. */
    private static final Set<String> BOT_CLASSES =
            Set.of("Robot", "Robot Mobile", "Robot Imitator", "Spy", "Hacker", "Cloud Application");

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
                .withField(UserAgent.AGENT_CLASS)
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
        boolean bot = BOT_CLASSES.contains(deviceClass) || BOT_CLASSES.contains(agent.getValue(UserAgent.AGENT_CLASS));
        return new Client(
                DEVICE_CLASSES.getOrDefault(deviceClass, known(deviceClass).toLowerCase(Locale.ROOT)),
                known(agent.getValue(UserAgent.AGENT_NAME)),
                known(OPERATING_SYSTEMS.getOrDefault(
                        agent.getValue(UserAgent.OPERATING_SYSTEM_NAME),
                        agent.getValue(UserAgent.OPERATING_SYSTEM_NAME))),
                bot);
    }

    /** Yauaa's value, or {@link #UNKNOWN} for its "could not tell" markers. */
    private static String known(String value) {
        if (value == null || value.isBlank() || value.equals("Unknown") || value.startsWith("??")) {
            return UNKNOWN;
        }
        return value.length() > 64 ? value.substring(0, 64) : value;
    }
}
