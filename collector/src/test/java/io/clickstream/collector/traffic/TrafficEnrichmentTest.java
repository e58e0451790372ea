package io.clickstream.collector.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.collector.ingest.EventIntake;
import io.clickstream.collector.ingest.RequestBody;
import io.clickstream.collector.ingest.UserAgents;
import io.clickstream.model.ClickEvent;
import io.clickstream.model.EventCodec;
import io.clickstream.model.PageUrls;
import io.clickstream.model.Traffic;
import io.clickstream.testsupport.RepositoryLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the collector makes of a page's traffic fields, through the intake as a request goes. */
class TrafficEnrichmentTest {
    private static final String FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
    private static final String GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
    private static final Instant RECEIVED = Instant.parse("2026-11-25T12:00:00Z");
    private static EventIntake intake;

    @BeforeAll
    static void setUp() throws Exception {
        Path database = RepositoryLayout.resolve("data/geoip/dbip-country.mmdb");
        intake = new EventIntake(
                new EventCodec(),
                new UserAgents(),
                new TrafficEnrichment(new Channels(ReferrerList.bundled()), Countries.open(database)));
    }

    private static EventIntake.Result accept(String userAgent, String client, String... events) throws Exception {
        List<RequestBody.Part> parts =
                RequestBody.split("text/plain", String.join("\n", events).getBytes(StandardCharsets.UTF_8), 100);
        return intake.accept(parts, userAgent, ClientAddresses.literal(client), null, RECEIVED);
    }

    private static String event(String extra) {
        return "{\"event_type\":\"page_view\",\"user_id\":\"anon-1\",\"product_id\":\"p-1\",\"price\":0" + extra + "}";
    }

    private static Traffic traffic(EventIntake.Result result) {
        assertEquals(List.of(), result.rejected());
        return result.accepted().get(0).traffic();
    }

    @Test
    void fullUrlsAreReducedToHostAndPathAndTheChannelIsDerived() throws Exception {
        Traffic t = traffic(accept(
                FIREFOX,
                "193.99.144.80",
                event(
                        ",\"page\":\"https://Shop.example.com/p/42?email=a@b.c#x\",\"referrer\":\"https://www.google.com/search?q=red+shoes\","
                                + "\"channel\":\"email\",\"country\":\"FR\"")));
        assertEquals("shop.example.com/p/42", t.page());
        assertEquals("www.google.com/search", t.referrer(), "the search terms are not kept");
        assertEquals("organic_search", t.channel(), "derived, the page's own value replaced");
        assertEquals("DE", t.country(), "from the address, the page's own value replaced");
        assertFalse(t.bot());
    }

    @Test
    void theCampaignDecidesTheChannelOfEveryPageOfItsSession() throws Exception {
        Traffic t = traffic(accept(
                FIREFOX,
                "133.11.0.1",
                event(
                        ",\"page\":\"shop.example.com/cart\",\"referrer\":\"shop.example.com/p/42\",\"utm_source\":\"newsletter\","
                                + "\"utm_medium\":\"email\",\"utm_campaign\":\"winter\"")));
        assertEquals("email", t.channel());
        assertEquals("JP", t.country());
        Traffic internal = traffic(accept(
                FIREFOX,
                "133.11.0.1",
                event(",\"page\":\"shop.example.com/cart\",\"referrer\":\"shop.example.com/p/42\"")));
        assertEquals("internal", internal.channel());
        assertEquals("direct", traffic(accept(FIREFOX, null, event(""))).channel());
        assertNull(traffic(accept(FIREFOX, null, event(""))).country(), "no address: no country");
        assertNull(
                traffic(accept(FIREFOX, "10.1.2.3", event(",\"country\":\"FR\"")))
                        .country(),
                "a private address: none, the page's own value removed");
    }

    @Test
    void botsAreFlaggedByTheirUserAgentOrByThePageAndNeverUnflagged() throws Exception {
        assertTrue(traffic(accept(GOOGLEBOT, null, event(""))).bot());
        assertTrue(
                traffic(accept(GOOGLEBOT, null, event(",\"is_bot\":false"))).bot(),
                "a page cannot make a bot a person");
        assertTrue(traffic(accept(FIREFOX, null, event(",\"is_bot\":true"))).bot(), "an automated browser says so");
        assertFalse(traffic(accept(FIREFOX, null, event(""))).bot());
    }

    @Test
    void longTitlesAreCutAndLongAddressesToo() throws Exception {
        Traffic t = traffic(accept(
                FIREFOX,
                null,
                event(",\"page_title\":\"" + "t".repeat(10_000) + "\",\"page\":\"https://shop.example.com/"
                        + "a".repeat(10_000) + "\"")));
        assertEquals(TrafficEnrichment.MAX_TITLE_LENGTH, t.pageTitle().length());
        assertEquals(PageUrls.MAX_LENGTH, t.page().length());
    }

    @Test
    void aBadFieldRejectsItsEventAloneNamingTheField() throws Exception {
        EventIntake.Result result = accept(
                FIREFOX,
                null,
                event(",\"properties\":{\"size\":{\"eu\":42}}"),
                event(",\"page\":\"shop.example.com/\""),
                event(",\"is_bot\":\"yes\""),
                event(",\"utm_source\":\"" + "s".repeat(300) + "\""));
        assertEquals(1, result.accepted().size(), "the valid one goes on");
        assertEquals(
                List.of(
                        new EventIntake.Rejection(
                                0, "properties.size", "must be a string, a number or a boolean, got an object"),
                        new EventIntake.Rejection(2, "is_bot", "must be true, false or null, got a string"),
                        new EventIntake.Rejection(3, "utm_source", "longer than 256 characters (300)")),
                result.rejected());
        ClickEvent accepted = result.accepted().get(0);
        assertEquals("shop.example.com/", accepted.traffic().page());
    }
}
