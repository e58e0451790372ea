package io.clickstream.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EventIntakeTest {
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final Instant RECEIVED = Instant.parse("2026-11-25T12:00:00Z");
    private static EventIntake intake;

    @BeforeAll
    static void setUp() {
        intake = new EventIntake(new EventCodec(), new UserAgents());
    }

    private static EventIntake.Result accept(String ndjson, Instant sentAt) throws Exception {
        List<RequestBody.Part> parts = RequestBody.split("text/plain", ndjson.getBytes(StandardCharsets.UTF_8), 100);
        return intake.accept(parts, FIREFOX, sentAt, RECEIVED);
    }

    private static String event(String extra) {
        return "{\"event_type\":\"add_to_cart\",\"user_id\":\"anon-1\",\"product_id\":\"p-1\",\"price\":19.99" + extra
                + "}";
    }

    @Test
    void theValidEventsOfABatchGoOnAndTheInvalidOnesAreNamedWithFieldAndReason() throws Exception {
        EventIntake.Result result = accept(
                event("") + "\n" + event("").replace("19.99", "-1") + "\n[1]\n{\"user_id\":\"x\"\n"
                        + event(",\"session_id\":\"s-1\""),
                null);
        assertEquals(2, result.accepted().size());
        assertEquals(
                List.of(
                        new EventIntake.Rejection(1, "price", "must be >= 0, got -1"),
                        new EventIntake.Rejection(2, null, "not a JSON object"),
                        new EventIntake.Rejection(
                                3,
                                null,
                                "malformed JSON: Unexpected end-of-input: expected close" + " marker for Object")),
                result.rejected());
    }

    @Test
    void missingFieldsAreNamed() throws Exception {
        EventIntake.Result result = accept("{\"event_type\":\"page_view\",\"user_id\":\"u\",\"price\":0}", null);
        assertEquals(List.of(new EventIntake.Rejection(0, "product_id", "missing required field")), result.rejected());
    }

    @Test
    void deviceBrowserAndOsComeFromTheUserAgentNotFromThePage() throws Exception {
        ClickEvent e = accept(event(",\"browser\":\"Netscape\",\"device\":\"fridge\""), null)
                .accepted()
                .get(0);
        assertEquals(List.of("desktop", "Firefox", "Linux"), List.of(e.device(), e.browser(), e.os()));
    }

    @Test
    void withoutATimestampTheEventGetsTheReceiveTimeAndAnId() throws Exception {
        ClickEvent e = accept(event(""), null).accepted().get(0);
        assertEquals(RECEIVED, e.timestamp());
        assertNotNull(e.eventId());
    }

    @Test
    void thePagesClockCancelsOutWhenItSaysWhenItSent() throws Exception {
        // The page's clock is 3 hours behind; the event happened 1.5 s before the request was sent.
        Instant pageNow = RECEIVED.minusSeconds(3 * 3600);
        String ts = ",\"timestamp\":\"" + pageNow.minusMillis(1500) + "\"";
        ClickEvent e = accept(event(ts), pageNow).accepted().get(0);
        assertEquals(RECEIVED.minusMillis(1500), e.timestamp());
        // An event stamped after the request was sent (a broken clock) gets the receive time.
        ClickEvent later = accept(event(",\"timestamp\":\"" + pageNow.plusSeconds(60) + "\""), pageNow)
                .accepted()
                .get(0);
        assertEquals(RECEIVED, later.timestamp());
    }

    @Test
    void theClientsEventIdIsKeptSoAResentEventKeepsIt() throws Exception {
        String id = "6f1c1f5e-8f43-4b39-9c51-0e9c3c2f6a10";
        assertEquals(
                id,
                accept(event(",\"event_id\":\"" + id + "\""), null)
                        .accepted()
                        .get(0)
                        .eventId()
                        .toString());
    }
}
