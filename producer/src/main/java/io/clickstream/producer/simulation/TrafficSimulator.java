package io.clickstream.producer.simulation;

import io.clickstream.model.EventType;
import io.clickstream.model.Traffic;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Where the simulated shoppers come from, as the tracker and the collector would record it: each
 * session arrives through a {@link Source} (direct, search engines, social networks, ads, a
 * newsletter, blogs, a partner), lands on the product it views first, and moves through product
 * pages of {@value #SHOP}; every page view has its own id, the events after it share it; a third
 * of the shoppers are registered customers, known from their first add to cart on (a login at
 * checkout); each shopper has a country. The channel is what the collector derives from the same
 * fields (docs/metrics.md, "Channels"): the campaign's on every page of its session, else
 * {@code internal} after the landing page.
 *
 * <p>Its randomness is its own (seeded from the simulation's seed), so the shoppers' steps, products
 * and prices are the same with or without it. Not thread-safe.
 */
final class TrafficSimulator {
    static final String SHOP = "shop.example.com";

    /** A way into the shop, with its share of sessions. */
    record Source(
            String name,
            int weight,
            String referrer,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            boolean paidClick,
            String landingChannel) {

        /** A campaign's channel holds for every page of its session; without one, later pages are internal. */
        String channel(boolean landing) {
            return landing || utmSource != null ? landingChannel : "internal";
        }
    }

    static final List<Source> SOURCES = List.of(
            new Source("direct", 25, null, null, null, null, false, "direct"),
            new Source("google", 24, "www.google.com/", null, null, null, false, "organic_search"),
            new Source("bing", 4, "www.bing.com/search", null, null, null, false, "organic_search"),
            new Source("duckduckgo", 2, "duckduckgo.com/", null, null, null, false, "organic_search"),
            new Source("google ads", 8, "www.google.com/", "google", "cpc", "shoes-generic", true, "paid_search"),
            new Source("facebook", 5, "l.facebook.com/l.php", null, null, null, false, "organic_social"),
            new Source("instagram", 3, "l.instagram.com/", null, null, null, false, "organic_social"),
            new Source(
                    "facebook ads",
                    6,
                    "l.facebook.com/l.php",
                    "facebook",
                    "paid_social",
                    "winter-sale",
                    true,
                    "paid_social"),
            new Source("newsletter", 10, null, "newsletter", "email", "weekly-deals", false, "email"),
            new Source("blogs", 8, "blog.example.org/best-gifts", null, null, null, false, "referral"),
            new Source(
                    "partner", 5, "deals.example.net/shop", "partner", "affiliate", "partner-q4", false, "referral"));

    private static final int[] SOURCE_WEIGHTS =
            SOURCES.stream().mapToInt(Source::weight).toArray();
    private static final List<String> COUNTRIES = List.of("DE", "US", "GB", "FR", "NL", "AT", "CH", "ES", "IT", "PL");
    private static final int[] COUNTRY_WEIGHTS = {30, 22, 10, 10, 6, 5, 5, 5, 4, 3};
    static final double REGISTERED_SHARE = 1.0 / 3;

    private final Random random;
    private final String[] country;
    private final boolean[] registered;
    private final boolean[] identified;
    private final Source[] source;
    private final String[] page;
    private final String[] title;
    private final String[] referrer;
    private final boolean[] landing;
    private final String[] pageViewId;

    TrafficSimulator(long seed, int users) {
        this.random = new Random(seed ^ 0x7AFF1C5EEDL);
        this.country = new String[users];
        this.registered = new boolean[users];
        this.identified = new boolean[users];
        this.source = new Source[users];
        this.page = new String[users];
        this.title = new String[users];
        this.referrer = new String[users];
        this.landing = new boolean[users];
        this.pageViewId = new String[users];
        for (int u = 0; u < users; u++) {
            country[u] = COUNTRIES.get(pick(COUNTRY_WEIGHTS));
            registered[u] = random.nextDouble() < REGISTERED_SHARE;
        }
    }

    /**
     * Where user {@code u}'s next event comes from. A page view opens a page (the first of a
     * session its landing page, referred by the source; the next ones referred by the page
     * before); a cart or a purchase happens on the page open.
     *
     * @param newSession whether the event starts a session
     */
    Traffic next(int u, boolean newSession, EventType type, String productId, String category) {
        if (newSession || source[u] == null) {
            source[u] = SOURCES.get(pick(SOURCE_WEIGHTS));
            page[u] = null;
        }
        Source from = source[u];
        if (type == EventType.PAGE_VIEW || page[u] == null) {
            landing[u] = page[u] == null;
            referrer[u] = landing[u] ? from.referrer() : page[u];
            page[u] = SHOP + "/products/" + productId;
            title[u] = category + " – " + productId + " | Example Shop";
            pageViewId[u] = new UUID(random.nextLong(), random.nextLong()).toString();
        }
        return new Traffic(
                page[u],
                title[u],
                referrer[u],
                pageViewId[u],
                from.utmSource(),
                from.utmMedium(),
                from.utmCampaign(),
                null,
                null,
                from.paidClick(),
                from.channel(landing[u]),
                false,
                country[u]);
    }

    /** The customer id of user {@code u} for an event of {@code type}: registered users log in at their first add to cart. */
    String customerId(int u, String userId, EventType type) {
        if (registered[u] && (identified[u] || type == EventType.ADD_TO_CART)) {
            identified[u] = true;
            return "cust_" + userId.substring(userId.indexOf('_') + 1);
        }
        return null;
    }

    private int pick(int[] weights) {
        int total = 0;
        for (int weight : weights) {
            total += weight;
        }
        int x = random.nextInt(total);
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
