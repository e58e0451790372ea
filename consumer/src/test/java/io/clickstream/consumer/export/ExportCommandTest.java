package io.clickstream.consumer.export;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ExportCommandTest {
    @Test
    void theDayOfTheLastClosedHour() {
        assertEquals(
                LocalDate.parse("2019-10-20"), ExportCommand.lastClosedHourDay(Instant.parse("2019-10-21T00:10:00Z")));
        assertEquals(
                LocalDate.parse("2019-10-20"), ExportCommand.lastClosedHourDay(Instant.parse("2019-10-21T00:00:00Z")));
        assertEquals(
                LocalDate.parse("2019-10-21"), ExportCommand.lastClosedHourDay(Instant.parse("2019-10-21T01:00:00Z")));
        assertEquals(
                LocalDate.parse("2019-10-21"), ExportCommand.lastClosedHourDay(Instant.parse("2019-10-21T10:10:00Z")));
    }
}
