package io.clickstream.service;

/**
 * One configuration knob: a command-line flag, the environment variable that can set it
 * instead, its default ({@code null} = required or unset) and a one-line description.
 * A flag wins over the variable; the variable wins over the default.
 */
public record Setting(String flag, String variable, String defaultValue, String description, boolean secret) {
    public Setting {
        if (!flag.startsWith("--")) {
            throw new IllegalArgumentException("flag must start with --: " + flag);
        }
    }

    public static Setting of(String flag, String variable, String defaultValue, String description) {
        return new Setting(flag, variable, defaultValue, description, false);
    }

    /** A setting whose value is masked wherever it is printed. */
    public static Setting secret(String flag, String variable, String description) {
        return new Setting(flag, variable, null, description, true);
    }

    /** How to name it in an error: {@code --rate / PRODUCER_RATE}. */
    public String names() {
        return flag + " / " + variable;
    }
}
