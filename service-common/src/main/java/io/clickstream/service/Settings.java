package io.clickstream.service;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parsed flags and environment for one service, with typed accessors whose errors name the
 * flag and the variable. Built once in {@code main}; nothing else reads the environment.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ms|s|m|h|d)?");

    private final Map<Setting, String> values;
    private final boolean help;

    private Settings(Map<Setting, String> values, boolean help) {
        this.values = values;
        this.help = help;
    }

    /**
     * Parses {@code --flag value} or {@code --flag=value} arguments against the known settings.
     *
     * @throws ConfigException for an unknown flag or a flag without its value
     */
    public static Settings parse(String[] args, Map<String, String> environment, List<Setting> known)
            throws ConfigException {
        Map<String, Setting> byFlag = new HashMap<>();
        known.forEach(s -> byFlag.put(s.flag(), s));
        Map<Setting, String> values = new LinkedHashMap<>();
        for (Setting setting : known) {
            String fromEnvironment = environment.get(setting.variable());
            if (setting.secret()) {
                fromEnvironment =
                        secretFromFile(setting, fromEnvironment, environment.get(setting.variable() + "_FILE"));
            }
            values.put(
                    setting,
                    fromEnvironment != null && !fromEnvironment.isBlank()
                            ? fromEnvironment.trim()
                            : setting.defaultValue());
        }
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--help") || arg.equals("-h")) {
                help = true;
                continue;
            }
            String name = arg;
            String value = null;
            int equals = arg.indexOf('=');
            if (arg.startsWith("--") && equals > 0) {
                name = arg.substring(0, equals);
                value = arg.substring(equals + 1);
            }
            Setting setting = byFlag.get(name);
            if (setting == null) {
                throw new ConfigException("unknown option '" + arg + "' (see --help)");
            }
            if (value == null) {
                if (i + 1 >= args.length) {
                    throw new ConfigException(setting.flag() + " needs a value (see --help)");
                }
                value = args[++i];
            }
            values.put(setting, value.trim());
        }
        return new Settings(values, help);
    }

    /**
     * A secret may come from a file named by {@code <VARIABLE>_FILE} (the Docker secrets
     * convention): its content, without the trailing newline. Both set is an error, since
     * either could be the stale one.
     */
    private static String secretFromFile(Setting setting, String fromEnvironment, String file) throws ConfigException {
        if (file == null || file.isBlank()) {
            return fromEnvironment;
        }
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            throw new ConfigException(
                    "both " + setting.variable() + " and " + setting.variable() + "_FILE are set: keep one");
        }
        try {
            return Files.readString(Path.of(file.trim())).replaceFirst("\\r?\\n$", "");
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot read " + setting.variable() + "_FILE '" + file.trim() + "': " + e);
        }
    }

    public boolean helpRequested() {
        return help;
    }

    /** The value, or {@code null} if neither given nor defaulted. */
    public String string(Setting setting) {
        return values.get(setting);
    }

    public String required(Setting setting) throws ConfigException {
        String value = string(setting);
        if (value == null || value.isEmpty()) {
            throw new ConfigException(setting.names() + " is required");
        }
        return value;
    }

    public int integer(Setting setting, int min, int max) throws ConfigException {
        String value = required(setting);
        try {
            long parsed = Long.parseLong(value.replace("_", ""));
            if (parsed < min || parsed > max) {
                throw invalid(setting, value, "must be between " + min + " and " + max);
            }
            return (int) parsed;
        } catch (NumberFormatException e) {
            throw invalid(setting, value, "is not a whole number");
        }
    }

    /** A long, or {@code null} when unset (optional settings such as a total count). */
    public Long optionalLong(Setting setting, long min) throws ConfigException {
        String value = string(setting);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            long parsed = Long.parseLong(value.replace("_", ""));
            if (parsed < min) {
                throw invalid(setting, value, "must be at least " + min);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw invalid(setting, value, "is not a whole number");
        }
    }

    public double decimal(Setting setting, double min, double max) throws ConfigException {
        String value = required(setting);
        double parsed;
        try {
            parsed = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw invalid(setting, value, "is not a number");
        }
        if (!(parsed >= min && parsed <= max)) {
            throw invalid(setting, value, "must be between " + min + " and " + max);
        }
        return parsed;
    }

    /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 2h}, {@code 7d}; a bare number means seconds. */
    public Duration duration(Setting setting) throws ConfigException {
        return parseDuration(setting, required(setting));
    }

    public Duration optionalDuration(Setting setting) throws ConfigException {
        String value = string(setting);
        return value == null || value.isEmpty() ? null : parseDuration(setting, value);
    }

    private static Duration parseDuration(Setting setting, String value) throws ConfigException {
        Matcher m = DURATION.matcher(value.toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw invalid(setting, value, "is not a duration (examples: 500ms, 30s, 5m, 2h, 7d)");
        }
        double amount = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        double millis = switch (unit) {
            case "ms" -> amount;
            case "s" -> amount * 1_000;
            case "m" -> amount * 60_000;
            case "h" -> amount * 3_600_000;
            default -> amount * 86_400_000;
        };
        return Duration.ofMillis(Math.round(millis));
    }

    /** One of {@code choices} (case-insensitive), returned in lower case. */
    public String choice(Setting setting, List<String> choices) throws ConfigException {
        String value = required(setting).toLowerCase(Locale.ROOT);
        if (!choices.contains(value)) {
            throw invalid(setting, value, "must be one of " + String.join(", ", choices));
        }
        return value;
    }

    public boolean bool(Setting setting) throws ConfigException {
        String value = required(setting).toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw invalid(setting, value, "must be true or false");
        };
    }

    /** A path that must name an existing, readable file. */
    public Path readableFile(Setting setting) throws ConfigException {
        Path path = Path.of(required(setting));
        if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
            throw invalid(setting, path.toString(), "is not a readable file");
        }
        return path;
    }

    public static ConfigException invalid(Setting setting, String value, String problem) {
        return new ConfigException("invalid " + setting.names() + ": '" + value + "' " + problem);
    }

    /** The {@code --help} text: usage line, then one aligned line per setting. */
    public static String help(String usage, String summary, List<Setting> known) {
        StringBuilder text = new StringBuilder("Usage: ")
                .append(usage)
                .append("\n\n")
                .append(summary)
                .append("\n\nOptions (flag, environment variable, default):\n");
        int width = known.stream()
                        .mapToInt(s -> s.flag().length() + s.variable().length())
                        .max()
                        .orElse(20)
                + 5;
        for (Setting s : known) {
            String names = s.flag() + "  " + s.variable();
            text.append("  ")
                    .append(names)
                    .append(" ".repeat(Math.max(1, width - names.length())))
                    .append(s.description());
            if (s.defaultValue() != null && !s.defaultValue().isEmpty()) {
                text.append(" [default: ").append(s.defaultValue()).append(']');
            }
            text.append('\n');
        }
        return text.append("  --help, -h")
                .append(" ".repeat(Math.max(1, width - 10)))
                .append("show this help\n")
                .toString();
    }

    /** The effective configuration, one {@code flag=value} per setting, secrets masked. */
    public String describe() {
        StringBuilder text = new StringBuilder();
        values.forEach((setting, value) -> {
            if (value != null) {
                text.append(text.length() == 0 ? "" : ", ")
                        .append(setting.flag().substring(2))
                        .append('=')
                        .append(setting.secret() && !value.isEmpty() ? "****" : value);
            }
        });
        return text.toString();
    }
}
