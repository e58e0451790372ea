package io.clickstream.model;

import java.util.Locale;

/**
 * A page's or referrer's address as stored: the host (lower case, without a user name or a
 * default port) and the path, nothing else. A scheme, a user and password, the query string
 * and the fragment are dropped: query strings and fragments are where sites put e-mail
 * addresses, tokens and search terms. A path is cut to {@value #MAX_LENGTH} characters in all
 * (documented: the codec refuses longer ones). Accepts a full URL ({@code
 * https://Shop.example.com:443/a?b#c}), a scheme-relative one ({@code //shop.example.com/a}) or
 * a host and path ({@code shop.example.com/a}).
 */
public final class PageUrls {
    public static final int MAX_LENGTH = TrafficFields.MAX_URL_LENGTH;

    private PageUrls() {}

    /** The host and path of {@code url}, or null if it has no host (empty, {@code about:blank}, a bare path). */
    public static String hostAndPath(String url) {
        if (url == null) {
            return null;
        }
        String rest = url.strip();
        int cut = indexOfAny(rest, '?', '#');
        if (cut >= 0) {
            rest = rest.substring(0, cut);
        }
        int scheme = rest.indexOf("://");
        if (scheme > 0
                && rest.substring(0, scheme)
                        .chars()
                        .allMatch(c -> Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.')) {
            rest = rest.substring(scheme + 3);
        } else if (rest.startsWith("//")) {
            rest = rest.substring(2);
        } else if (rest.startsWith("/")
                || rest.indexOf(':') >= 0 && rest.indexOf(':') < slashOrEnd(rest) && !hasPort(rest)) {
            return null; // a bare path, or another scheme (about:, data:, javascript:)
        }
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "/" : rest.substring(slash);
        int at = authority.lastIndexOf('@');
        if (at >= 0) {
            authority = authority.substring(at + 1);
        }
        String host = authority.toLowerCase(Locale.ROOT);
        if (host.endsWith(":80") || host.endsWith(":443")) {
            host = host.substring(0, host.lastIndexOf(':'));
        }
        if (host.isEmpty()) {
            return null;
        }
        StringBuilder stored = new StringBuilder(host.length() + path.length());
        stored.append(host);
        for (int i = 0; i < path.length() && stored.length() < MAX_LENGTH; i++) {
            char c = path.charAt(i);
            if (c == ' ') {
                stored.append("%20");
            } else if (!Character.isISOControl(c) && !Character.isWhitespace(c)) {
                stored.append(c);
            }
        }
        return stored.length() > MAX_LENGTH ? stored.substring(0, MAX_LENGTH) : stored.toString();
    }

    /** The host of a stored host and path. */
    public static String host(String hostAndPath) {
        int slash = hostAndPath.indexOf('/');
        return slash < 0 ? hostAndPath : hostAndPath.substring(0, slash);
    }

    private static int indexOfAny(String text, char a, char b) {
        int first = text.indexOf(a);
        int second = text.indexOf(b);
        return first < 0 ? second : second < 0 ? first : Math.min(first, second);
    }

    private static int slashOrEnd(String text) {
        int slash = text.indexOf('/');
        return slash < 0 ? text.length() : slash;
    }

    /** Whether the authority ends in a port ({@code host:8080}) rather than being a scheme ({@code about:blank}). */
    private static boolean hasPort(String text) {
        String authority = text.substring(0, slashOrEnd(text));
        int colon = authority.lastIndexOf(':');
        return colon > 0
                && colon < authority.length() - 1
                && authority.substring(colon + 1).chars().allMatch(Character::isDigit);
    }
}
