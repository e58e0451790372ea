package io.clickstream.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ServiceCommandTest {
    private static final Setting RATE = Setting.of("--rate", "APP_RATE", "100", "events per second");
    private static final ServiceCommand<Integer> COMMAND = new ServiceCommand<>(
            "java -jar app.jar [options]",
            "Does things.\nExit codes: 0 fine.",
            List.of(RATE),
            s -> s.integer(RATE, 1, 1000));

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private ServiceCommand.Parsed<Integer> parse(String... args) {
        return COMMAND.parse(
                args,
                Map.of(),
                LoggerFactory.getLogger(ServiceCommandTest.class),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void validOptionsAreHandedBack() {
        ServiceCommand.Parsed<Integer> parsed = parse("--rate", "250");
        assertTrue(parsed.run());
        assertEquals(250, parsed.options());
    }

    @Test
    void helpPrintsUsageSummaryAndEveryOptionThenExitsZero() {
        ServiceCommand.Parsed<Integer> parsed = parse("--help");
        assertFalse(parsed.run());
        assertEquals(ServiceCommand.EXIT_OK, parsed.exitCode());
        String help = out.toString(StandardCharsets.UTF_8);
        assertTrue(help.startsWith("Usage: java -jar app.jar [options]"), help);
        assertTrue(help.contains("Exit codes: 0 fine.") && help.contains("--rate  APP_RATE"), help);
        assertTrue(help.contains("the flag wins"), help);
    }

    @Test
    void aBadValueIsAnErrorNamingFlagAndVariableAndExitsTwo() {
        ServiceCommand.Parsed<Integer> parsed = parse("--rate", "0");
        assertEquals(ServiceCommand.EXIT_BAD_CONFIG, parsed.exitCode());
        assertNull(parsed.options());
        assertTrue(
                err.toString(StandardCharsets.UTF_8).startsWith("error: invalid --rate / APP_RATE"),
                err.toString(StandardCharsets.UTF_8));
    }
}
