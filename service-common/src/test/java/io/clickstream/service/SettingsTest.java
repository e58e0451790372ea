package io.clickstream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SettingsTest {
    private static final Setting RATE = Setting.of("--rate", "APP_RATE", "100", "events per second");
    private static final Setting WAIT = Setting.of("--wait", "APP_WAIT", "5s", "how long");
    private static final Setting COUNT = Setting.of("--count", "APP_COUNT", null, "total");
    private static final Setting MODE = Setting.of("--mode", "APP_MODE", "simulate", "mode");
    private static final Setting PASSWORD = Setting.secret("--password", "APP_PASSWORD", "secret");
    private static final List<Setting> ALL = List.of(RATE, WAIT, COUNT, MODE, PASSWORD);

    private static Settings parse(Map<String, String> env, String... args) throws ConfigException {
        return Settings.parse(args, env, ALL);
    }

    @Test
    void flagBeatsEnvironmentBeatsDefault() throws Exception {
        assertEquals(100, parse(Map.of()).integer(RATE, 1, 1000));
        assertEquals(250, parse(Map.of("APP_RATE", "250")).integer(RATE, 1, 1000));
        assertEquals(300, parse(Map.of("APP_RATE", "250"), "--rate", "300").integer(RATE, 1, 1000));
        assertEquals(400, parse(Map.of("APP_RATE", "250"), "--rate=400").integer(RATE, 1, 1000));
    }

    @Test
    void errorsNameFlagVariableAndProblem() {
        assertEquals(
                "invalid --rate / APP_RATE: 'fast' is not a whole number",
                assertThrows(
                                ConfigException.class,
                                () -> parse(Map.of("APP_RATE", "fast")).integer(RATE, 1, 10))
                        .getMessage());
        assertEquals(
                "invalid --rate / APP_RATE: '0' must be between 1 and 10",
                assertThrows(
                                ConfigException.class,
                                () -> parse(Map.of(), "--rate", "0").integer(RATE, 1, 10))
                        .getMessage());
        assertEquals(
                "unknown option '--rat' (see --help)",
                assertThrows(ConfigException.class, () -> parse(Map.of(), "--rat", "1"))
                        .getMessage());
        assertEquals(
                "--rate needs a value (see --help)",
                assertThrows(ConfigException.class, () -> parse(Map.of(), "--rate"))
                        .getMessage());
        assertEquals(
                "invalid --mode / APP_MODE: 'fly' must be one of simulate, replay",
                assertThrows(
                                ConfigException.class,
                                () -> parse(Map.of(), "--mode", "fly").choice(MODE, List.of("simulate", "replay")))
                        .getMessage());
        assertEquals(
                "invalid --wait / APP_WAIT: 'soon' is not a duration (examples: 500ms, 30s, 5m, 2h, 7d)",
                assertThrows(
                                ConfigException.class,
                                () -> parse(Map.of(), "--wait", "soon").duration(WAIT))
                        .getMessage());
        assertEquals(
                "--count / APP_COUNT is required",
                assertThrows(ConfigException.class, () -> parse(Map.of()).required(COUNT))
                        .getMessage());
    }

    @Test
    void parsesDurationsAndOptionalValues() throws Exception {
        assertEquals(Duration.ofSeconds(5), parse(Map.of()).duration(WAIT));
        assertEquals(Duration.ofMillis(250), parse(Map.of(), "--wait", "250ms").duration(WAIT));
        assertEquals(Duration.ofMinutes(2), parse(Map.of(), "--wait", "2m").duration(WAIT));
        assertEquals(Duration.ofSeconds(90), parse(Map.of(), "--wait", "90").duration(WAIT));
        assertEquals(Duration.ofDays(7), parse(Map.of(), "--wait", "7d").duration(WAIT));
        assertEquals(Duration.ofHours(3), parse(Map.of(), "--wait", "3h").duration(WAIT));
        assertEquals(Duration.ofMillis(1500), parse(Map.of(), "--wait", "1.5s").duration(WAIT));
        assertNull(parse(Map.of()).optionalLong(COUNT, 1));
        assertEquals(6_000L, parse(Map.of(), "--count", "6_000").optionalLong(COUNT, 1));
    }

    @Test
    void helpListsEverySettingAndDescribeMasksSecrets() throws Exception {
        Settings settings = parse(Map.of("APP_PASSWORD", "hunter2"), "--help");
        assertTrue(settings.helpRequested());
        String help = Settings.help("app [options]", "Does things.", ALL);
        for (Setting s : ALL) {
            assertTrue(help.contains(s.flag()) && help.contains(s.variable()), s.flag());
        }
        assertTrue(help.contains("[default: 100]"));
        assertFalse(settings.describe().contains("hunter2"));
        assertTrue(settings.describe().contains("password=****"));
    }

    @Test
    void aSecretCanComeFromTheFileNamedByItsFileVariable(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path secret = dir.resolve("password");
        Files.writeString(secret, "s3cret\n");
        assertEquals(
                "s3cret", parse(Map.of("APP_PASSWORD_FILE", secret.toString())).string(PASSWORD));
        assertEquals(
                "flag",
                parse(Map.of("APP_PASSWORD_FILE", secret.toString()), "--password", "flag")
                        .string(PASSWORD),
                "the flag still wins");
        ConfigException both = assertThrows(
                ConfigException.class,
                () -> parse(Map.of("APP_PASSWORD_FILE", secret.toString(), "APP_PASSWORD", "x")));
        assertTrue(both.getMessage().contains("both APP_PASSWORD and APP_PASSWORD_FILE are set"), both.getMessage());
        ConfigException missing = assertThrows(
                ConfigException.class,
                () -> parse(Map.of("APP_PASSWORD_FILE", dir.resolve("nope").toString())));
        assertTrue(missing.getMessage().startsWith("cannot read APP_PASSWORD_FILE"), missing.getMessage());
        assertNull(parse(Map.of("APP_RATE_FILE", secret.toString())).string(COUNT), "only secrets read files");
    }
}
