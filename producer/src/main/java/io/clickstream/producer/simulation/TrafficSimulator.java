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
 * checkout); each shopper has a country; shoppers from some sources buy more than others
 * ({@link Source#purchaseFactor}); {@value #CRAWLER_SHARE} of the visitors are crawlers (bots that
 * only view pages). The channel is what the collector derives from the same
 * fields (docs/metrics.md, "Channels"): the campaign's on every page of its session, else
 * {@code internal} after the landing page.
 *
 * <p>Its randomness is its own (seeded from the simulation's seed), so the shoppers' steps, products
 * and prices are the same with or without it. Not thread-safe.
 */
final class TrafficSimulator {
    static final String SHOP = "shop.example.com";

    /**
     * A way into the shop, with its share of sessions and how likely its shoppers are to buy: the
     * simulation's purchase rate times {@code purchaseFactor} (the factors average about 1 over
     * the shares, so the shop's overall conversion stays the configured one).
     */
    record Source(
            String name,
            int weight,
            String referrer,
            String utmSource,
            String utmMedium,
            String utmCampaign,
            boolean paidClick,
            String landingChannel,
            double purchaseFactor) {

        /** A campaign's channel holds for every page of its session; without one, later pages are internal. */
        String channel(boolean landing) {
            return landing || utmSource != null ? landingChannel : "internal";
        }
    }

    static final List<Source> SOURCES = List.of(
            new Source("direct", 25, null, null, null, null, false, "direct", 1.1),
            new Source("google", 24, "www.google.com/", null, null, null, false, "organic_search", 1.0),
            new Source("bing", 4, "www.bing.com/search", null, null, null, false, "organic_search", 1.0),
            new Source("duckduckgo", 2, "duckduckgo.com/", null, null, null, false, "organic_search", 1.0),
            new Source("google ads", 8, "www.google.com/", "google", "cpc", "shoes-generic", true, "paid_search", 1.2),
            new Source("facebook", 5, "l.facebook.com/l.php", null, null, null, false, "organic_social", 0.5),
            new Source("instagram", 3, "l.instagram.com/", null, null, null, false, "organic_social", 0.4),
            new Source(
                    "facebook ads",
                    6,
                    "l.facebook.com/l.php",
                    "facebook",
                    "paid_social",
                    "winter-sale",
                    true,
                    "paid_social",
                    0.7),
            new Source("newsletter", 10, null, "newsletter", "email", "weekly-deals", false, "email", 1.4),
            new Source("blogs", 8, "blog.example.org/best-gifts", null, null, null, false, "referral", 0.8),
            new Source(
                    "partner",
                    5,
                    "deals.example.net/shop",
                    "partner",
                    "affiliate",
                    "partner-q4",
                    false,
                    "referral",
                    1.0));

    /** The campaign of a {@link Scenario#CAMPAIGN_SURGE}: much traffic, almost no purchases. */
    static final Source SURGE = new Source(
            "surge campaign",
            0,
            "l.facebook.com/l.php",
            "facebook",
            "paid_social",
            "flash-promo",
            true,
            "paid_social",
            0.02);

    /** During a surge, the share of new sessions the campaign brings (its 4 of the 5 times the usual traffic). */
    static final double SURGE_SHARE = 1.0 - 1.0 / Scenario.SURGE_FACTOR;

    /** Crawlers among the simulated visitors (each a user that only ever views pages, flagged a bot). */
    static final double CRAWLER_SHARE = 0.02;

    private static final List<String> CRAWLERS = List.of("Googlebot", "Bingbot");

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
    private final String[] crawler;

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
        this.crawler = new String[users];
        for (int u = 0; u < users; u++) {
            country[u] = COUNTRIES.get(pick(COUNTRY_WEIGHTS));
            registered[u] = random.nextDouble() < REGISTERED_SHARE;
        }
        for (int u = 0; u < users; u++) {
            if (random.nextDouble() < CRAWLER_SHARE) {
                crawler[u] = CRAWLERS.get(random.nextInt(CRAWLERS.size()));
                registered[u] = false;
            }
        }
    }

    /**
     * Where user {@code u}'s next event comes from. A page view opens a page (the first of a
     * session its landing page, referred by the source; the next ones referred by the page
     * before); a cart or a purchase happens on the page open.
     *
     * @param newSession whether the event starts a session
     * @param surge whether a campaign surge is on (a new session then comes from {@link #SURGE}
     *     with {@link #SURGE_SHARE})
     */
    Traffic next(int u, boolean newSession, boolean surge, EventType type, String productId, String category) {
        if (newSession || source[u] == null) {
            source[u] = crawler[u] != null
                    ? SOURCES.get(0) // crawlers come without a referrer
                    : surge && random.nextDouble() < SURGE_SHARE ? SURGE : SOURCES.get(pick(SOURCE_WEIGHTS));
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
                crawler[u] != null,
                crawler[u] != null ? "US" : country[u]);
    }

    /** The crawler user {@code u} is (its name, as a User-Agent parser gives it), or null for a shopper. */
    String crawler(int u) {
        return crawler[u];
    }

    /** How likely user {@code u}'s current session is to buy, relative to the simulation's purchase rate. */
    double purchaseFactor(int u) {
        return source[u] == null ? 1.0 : source[u].purchaseFactor();
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
