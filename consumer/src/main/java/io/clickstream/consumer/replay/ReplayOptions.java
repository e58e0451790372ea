package io.clickstream.consumer.replay;

import static io.clickstream.consumer.replay.ReplaySettings.*;

import io.clickstream.consumer.config.ConsumerOptions;
import io.clickstream.consumer.config.ConsumerSettings;
import io.clickstream.service.ConfigException;
import io.clickstream.service.Settings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The validated options of {@code replay-dead-letters}. The password never appears in {@link #toString()}. */
public record ReplayOptions(
        String bootstrapServers,
        String topic,
        String jdbcUrl,
        String user,
        String password,
        Duration clickHouseTimeout,
        List<String> reasonClasses,
        Instant since,
        boolean dryRun) {

    public static ReplayOptions from(Settings s, Clock clock) throws ConfigException {
        String url = s.required(ConsumerSettings.JDBC_URL);
        ConsumerOptions.databaseOf(url); // the same URL rules as the consumer's
        Duration timeout = ConsumerOptions.commandTimeout(s);
        return new ReplayOptions(
                s.required(ConsumerSettings.BOOTSTRAP),
                s.required(TOPIC),
                url,
                s.required(ConsumerSettings.USER),
                s.string(ConsumerSettings.PASSWORD) == null ? "" : s.string(ConsumerSettings.PASSWORD),
                timeout,
                reasonClasses(s),
                since(s, clock),
                s.bool(DRY_RUN));
    }

    private static List<String> reasonClasses(Settings s) throws ConfigException {
        String value = s.string(REASON_CLASS);
        if (value == null || value.isBlank()) {
            return DeadLetterReplay.REASON_CLASSES;
        }
        Set<String> classes = new LinkedHashSet<>();
        for (String part : value.split(",")) {
            String name = part.trim();
            if (!DeadLetterReplay.REASON_CLASSES.contains(name)) {
                throw Settings.invalid(
                        REASON_CLASS,
                        value,
                        "names '" + name + "', not one of " + String.join(", ", DeadLetterReplay.REASON_CLASSES));
            }
            classes.add(name);
        }
        return new ArrayList<>(classes);
    }

    private static Instant since(Settings s, Clock clock) throws ConfigException {
        String value = s.string(SINCE);
        if (value == null || value.isBlank()) {
            return Instant.EPOCH;
        }
        if (Character.isDigit(value.charAt(0)) && value.length() >= 10 && value.charAt(4) == '-') {
            try {
                return Instant.parse(value);
            } catch (DateTimeParseException e) {
                throw Settings.invalid(SINCE, value, "is not an instant such as 2026-11-25T08:00:00Z");
            }
        }
        return clock.instant().minus(s.duration(SINCE));
    }

    @Override
    public String toString() {
        return "ReplayOptions[topic=" + topic + ", jdbcUrl=" + jdbcUrl + ", user=" + user + ", reasonClasses="
                + reasonClasses + ", since=" + since + ", dryRun=" + dryRun + "]";
    }
}
