package io.clickstream.collector.traffic;

import io.clickstream.model.PageUrls;
import java.util.Locale;
import java.util.Set;

/**
 * The channel an event came through (docs/metrics.md, "Channels"), from the session's campaign
 * and the page's referrer; the campaign's medium takes precedence over the referrer, the
 * referrer's kind comes from a maintained public list ({@link ReferrerList}). In order:
 * <ol>
 *   <li>paid: an ad click id on the landing page, a paid {@code utm_medium} ({@code cpc},
 *       {@code ppc}, {@code paid}, {@code display}, ...), or a referrer the list calls an ad
 *       network → {@code paid_search} when the source (the {@code utm_source}, else the
 *       referrer) is a search engine, {@code paid_social} when it is a social network or the
 *       medium says social, else {@code paid_other};</li>
 *   <li>{@code email}: medium {@code email}/{@code newsletter}, or a webmail referrer;</li>
 *   <li>{@code organic_social}: a social medium, or a social network's referrer;</li>
 *   <li>{@code organic_search}: medium {@code organic}, or a search engine's referrer;</li>
 *   <li>{@code internal}: a referrer on the page's own site (the same host, {@code www.} aside);</li>
 *   <li>{@code referral}: any other referrer, or a campaign with another medium;</li>
 *   <li>{@code direct}: no referrer and no campaign.</li>
 * </ol>
 */
public final class Channels {
    private static final Set<String> PAID_MEDIA = Set.of(
            "cpc",
            "ppc",
            "paid",
            "paidsearch",
            "paid_search",
            "paid-search",
            "paidsocial",
            "paid_social",
            "paid-social",
            "cpm",
            "cpv",
            "cpa",
            "display",
            "banner",
            "retargeting",
            "ads",
            "ad");
    private static final Set<String> EMAIL_MEDIA = Set.of("email", "e-mail", "e_mail", "mail", "newsletter");
    private static final Set<String> SOCIAL_MEDIA =
            Set.of("social", "social-network", "social_network", "social-media", "social_media", "sm");

    private final ReferrerList referrers;

    public Channels(ReferrerList referrers) {
        this.referrers = referrers;
    }

    /**
     * @param page the page's host and path (may be null)
     * @param referrer the referrer's host and path (null: none)
     * @param utmSource the session's campaign source (may be null)
     * @param utmMedium the session's campaign medium (may be null)
     * @param paidClick whether the session's landing page carried an ad click id
     */
    public String of(String page, String referrer, String utmSource, String utmMedium, boolean paidClick) {
        String medium =
                utmMedium == null ? "" : utmMedium.toLowerCase(Locale.ROOT).trim();
        ReferrerList.Referrer known = referrer == null ? null : referrers.lookUp(referrer);
        String referrerMedium = known == null ? null : known.medium();
        String sourceMedium = utmSource == null ? null : referrers.mediumOfSource(utmSource.trim());
        String kind = sourceMedium != null
                ? sourceMedium
                : "paid".equals(referrerMedium) ? referrers.mediumOfSource(known.source()) : referrerMedium;
        if (paidClick || PAID_MEDIA.contains(medium) || "paid".equals(referrerMedium)) {
            if ("search".equals(kind)) {
                return "paid_search";
            }
            return "social".equals(kind) || medium.contains("social") ? "paid_social" : "paid_other";
        }
        if (EMAIL_MEDIA.contains(medium) || (medium.isEmpty() && "email".equals(referrerMedium))) {
            return "email";
        }
        if (SOCIAL_MEDIA.contains(medium) || (medium.isEmpty() && "social".equals(referrerMedium))) {
            return "organic_social";
        }
        if (medium.equals("organic") || (medium.isEmpty() && "search".equals(referrerMedium))) {
            return "organic_search";
        }
        if (medium.isEmpty() && referrer != null && page != null && sameSite(page, referrer)) {
            return "internal";
        }
        if (!medium.isEmpty() || referrer != null) {
            return "referral";
        }
        return utmSource != null ? "referral" : "direct";
    }

    /** The same site: the same host, {@code www.} aside. */
    private static boolean sameSite(String page, String referrer) {
        return withoutWww(PageUrls.host(page)).equalsIgnoreCase(withoutWww(PageUrls.host(referrer)));
    }

    private static String withoutWww(String host) {
        return host.startsWith("www.") ? host.substring(4) : host;
    }
}
