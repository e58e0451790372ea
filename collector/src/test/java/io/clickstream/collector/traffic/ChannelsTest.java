package io.clickstream.collector.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The channel rules (docs/metrics.md, "Channels") on the bundled referrer list. */
class ChannelsTest {
    private static final ReferrerList LIST = ReferrerList.bundled();
    private static final Channels CHANNELS = new Channels(LIST);
    private static final String PAGE = "shop.example.com/products/42";

    private static String channel(String referrer, String source, String medium, boolean paidClick) {
        return CHANNELS.of(PAGE, referrer, source, medium, paidClick);
    }

    @Test
    void theBundledListIsTheMaintainedOne() {
        assertTrue(LIST.size() > 2_000, "entries: " + LIST.size());
        assertEquals(new ReferrerList.Referrer("Google", "search"), LIST.lookUp("www.google.com/"));
        assertEquals(new ReferrerList.Referrer("Google", "search"), LIST.lookUp("www.google.de/search"));
        assertEquals(new ReferrerList.Referrer("Gmail", "email"), LIST.lookUp("mail.google.com/mail/u/0/"));
        assertEquals(new ReferrerList.Referrer("Facebook", "social"), LIST.lookUp("l.facebook.com/l.php"));
        assertEquals(
                new ReferrerList.Referrer("Reddit", "social"),
                LIST.lookUp("old.reddit.com/r/shoes"),
                "a subdomain the list lacks falls back to its parent domain");
        assertEquals("Bing Images", LIST.lookUp("www.bing.com/images/search").source(), "a host path entry");
        assertNull(LIST.lookUp("blog.example.org/post"));
        assertEquals("search", LIST.mediumOfSource("google"));
        assertEquals("social", LIST.mediumOfSource("Facebook"));
        assertNull(LIST.mediumOfSource("newsletter"));
    }

    @Test
    void withoutACampaignTheReferrerDecides() {
        assertEquals("direct", channel(null, null, null, false));
        assertEquals("organic_search", channel("www.google.com/", null, null, false));
        assertEquals("organic_search", channel("duckduckgo.com/", null, null, false));
        assertEquals("organic_social", channel("t.co/abc", null, null, false));
        assertEquals("organic_social", channel("www.linkedin.com/feed/", null, null, false));
        assertEquals("email", channel("mail.google.com/mail/u/0/", null, null, false));
        assertEquals("email", channel("outlook.live.com/mail/0/inbox", null, null, false));
        assertEquals("referral", channel("blog.example.org/best-shoes", null, null, false));
        assertEquals("internal", channel("shop.example.com/", null, null, false));
        assertEquals("internal", channel("www.shop.example.com/cart", null, null, false), "www. aside");
        assertEquals(
                "paid_search",
                channel("googleads.g.doubleclick.net/pagead/aclk", null, null, false),
                "an ad network of a search engine");
    }

    @Test
    void theCampaignsMediumTakesPrecedence() {
        assertEquals("email", channel(null, "newsletter", "email", false));
        assertEquals("email", channel("www.google.com/", "newsletter", "Email", false), "medium over referrer");
        assertEquals("paid_search", channel("www.google.com/", "google", "cpc", false));
        assertEquals("paid_search", channel(null, "google", "cpc", false), "the source names the search engine");
        assertEquals("paid_social", channel("l.facebook.com/l.php", "facebook", "paid", false));
        assertEquals("paid_social", channel(null, "partner", "paid_social", false), "the medium says social");
        assertEquals("paid_other", channel(null, "partner", "display", false));
        assertEquals("organic_social", channel(null, "facebook", "social", false));
        assertEquals("organic_search", channel(null, "google", "organic", false));
        assertEquals("referral", channel(null, "partner", "affiliate", false), "another medium");
        assertEquals("referral", channel(null, "partner", null, false), "a source without a medium");
        assertEquals(
                "email",
                channel("shop.example.com/", "newsletter", "email", false),
                "a later page of a campaign's session keeps the campaign's channel");
    }

    @Test
    void anAdClickIdMakesItPaid() {
        assertEquals("paid_search", channel("www.google.com/", null, null, true));
        assertEquals("paid_social", channel("m.facebook.com/", null, null, true));
        assertEquals("paid_other", channel(null, null, null, true));
    }
}
