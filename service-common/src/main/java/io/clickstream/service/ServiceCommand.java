package io.clickstream.service;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;

/**
 * The prologue every service's {@code main} shares: parse flags and environment, answer
 * {@code --help} (exit 0), refuse a bad configuration with a message naming the flag and the
 * variable (exit 2), log the effective configuration (secrets masked), and hand back the
 * service's validated options.
 *
 * @param <O> the service's immutable options record
 */
public final class ServiceCommand<O> {
    public static final int EXIT_OK = 0;
    public static final int EXIT_BAD_CONFIG = 2;

    /** Builds a service's options from parsed settings, validating them. */
    @FunctionalInterface
    public interface OptionsFactory<O> {
        O from(Settings settings) throws ConfigException;
    }

    private final String usage;
    private final String summary;
    private final List<Setting> settings;
    private final OptionsFactory<O> factory;

    /**
     * @param usage   e.g. {@code java -jar clickstream-consumer.jar [options]}
     * @param summary what the service does and its exit codes, for {@code --help}
     */
    public ServiceCommand(String usage, String summary, List<Setting> settings, OptionsFactory<O> factory) {
        this.usage = usage;
        this.summary = summary;
        this.settings = settings;
        this.factory = factory;
    }

    /** The options to run with, or the exit code to return at once ({@code --help}, bad configuration). */
    public record Parsed<O>(O options, int exitCode) {
        public boolean run() {
            return options != null;
        }
    }

    public Parsed<O> parse(String[] args, Map<String, String> environment, Logger log) {
        return parse(args, environment, log, System.out, System.err);
    }

    Parsed<O> parse(String[] args, Map<String, String> environment, Logger log, PrintStream out, PrintStream err) {
        try {
            Settings parsed = Settings.parse(args, environment, settings);
            if (parsed.helpRequested()) {
                out.print(Settings.help(
                        usage,
                        summary + "\nEvery option can also be set by its environment variable;" + " the flag wins.",
                        settings));
                return new Parsed<>(null, EXIT_OK);
            }
            O options = factory.from(parsed);
            log.info("configuration: {}", parsed.describe());
            return new Parsed<>(options, EXIT_OK);
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return new Parsed<>(null, EXIT_BAD_CONFIG);
        }
    }
}
