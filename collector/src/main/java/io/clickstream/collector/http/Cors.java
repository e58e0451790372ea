package io.clickstream.collector.http;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Which web origins may send events: an allow-list of {@code scheme://host[:port]}, or
 * {@code *} for any. A request without an {@code Origin} header does not come from a page's
 * script (curl, a server) and is not a CORS request; it is allowed. A browser request from an
 * origin not on the list is refused before its body is read, so nothing of it is stored.
 */
public final class Cors {
    /** How long a browser may cache a preflight answer. */
    static final String MAX_AGE_SECONDS = "600";

    private final Set<String> origins;
    private final boolean any;

    private Cors(Set<String> origins, boolean any) {
        this.origins = origins;
        this.any = any;
    }

    /** @throws IllegalArgumentException naming the entry that is not an origin */
    public static Cors parse(String list) {
        Set<String> origins = new LinkedHashSet<>();
        boolean any = false;
        for (String entry : list.split(",")) {
            String origin = entry.trim();
            if (origin.isEmpty()) {
                continue;
            }
            if (origin.equals("*")) {
                any = true;
                continue;
            }
            origins.add(normalize(origin));
        }
        if (!any && origins.isEmpty()) {
            throw new IllegalArgumentException("no origin given (use * to allow any)");
        }
        return new Cors(Set.copyOf(origins), any);
    }

    private static String normalize(String origin) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("'" + origin + "' is not an origin: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!(scheme.equals("http") || scheme.equals("https"))
                || uri.getHost() == null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException(
                    "'" + origin + "' is not an origin: expected scheme://host[:port], e.g. https://shop.example.com");
        }
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
    }

    /** Whether a request with this {@code Origin} header (null if none) may send events. */
    public boolean allows(String origin) {
        if (origin == null || any) {
            return true;
        }
        try {
            return origins.contains(normalize(origin));
        } catch (IllegalArgumentException e) {
            return false; // "null" (sandboxed pages, file://) and garbage are not on any list
        }
    }

    @Override
    public String toString() {
        return any ? "*" : String.join(",", origins);
    }
}
