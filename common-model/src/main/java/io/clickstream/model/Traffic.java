package io.clickstream.model;

import java.util.List;

/**
 * Where an event came from: the page it happened on, the page that linked to it, the session's
 * campaign, and what the collector derived (the channel, whether a bot sent it, the country).
 * Every part may be absent ({@code null}, or {@code false}); {@link #NONE} has none.
 *
 * <p>What is kept is the least that answers "where do buyers come from" (docs/collector.md,
 * "What is stored"): {@code page} and {@code referrer} are a host and a path only, never a
 * scheme, a query string or a fragment (where personal data in URLs lives); a click id
 * ({@code gclid}, {@code fbclid}, ...) becomes {@code paidClick}, its value is never kept;
 * {@code country} is derived from the client's address, which is not kept.
 *
 * @param page host and path of the page, e.g. {@code shop.example.com/products/42}
 * @param pageTitle the page's title
 * @param referrer host and path of the page that linked here
 * @param pageViewId shared by the events of one page view
 * @param utmSource the session's {@code utm_source}, from its landing page
 * @param utmMedium the session's {@code utm_medium}
 * @param utmCampaign the session's {@code utm_campaign}
 * @param utmTerm the session's {@code utm_term}
 * @param utmContent the session's {@code utm_content}
 * @param paidClick whether the session's landing page carried an ad click id
 * @param channel one of {@link #CHANNELS}, derived by the collector
 * @param bot whether a crawler or an automated browser sent the event
 * @param country ISO 3166-1 alpha-2 code, e.g. {@code DE}
 */
public record Traffic(
        String page,
        String pageTitle,
        String referrer,
        String pageViewId,
        String utmSource,
        String utmMedium,
        String utmCampaign,
        String utmTerm,
        String utmContent,
        boolean paidClick,
        String channel,
        boolean bot,
        String country) {

    public static final Traffic NONE =
            new Traffic(null, null, null, null, null, null, null, null, null, false, null, false, null);

    /** The channels, as docs/metrics.md ("Channels") defines them. */
    public static final List<String> CHANNELS = List.of(
            "direct",
            "organic_search",
            "paid_search",
            "organic_social",
            "paid_social",
            "email",
            "referral",
            "internal",
            "paid_other");

    /** Whether nothing is known. */
    public boolean isEmpty() {
        return equals(NONE);
    }
}
