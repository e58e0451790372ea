package io.clickstream.collector.traffic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;

/**
 * A maintained public list of referrers (Ghost's referrer parser, MIT licence; bundled as
 * {@code collector/referrers/referrers.json}, replaced by {@code scripts/update-referrers.sh}):
 * which hosts, or host paths, are search engines, social networks, webmail, ad networks. Looked
 * up by the longest matching host path, then by the host and its parent domains
 * ({@code news.example.co.uk} falls back to {@code example.co.uk}). Also answers for a
 * campaign's {@code utm_source} by source name ({@code google}, {@code facebook}). Immutable.
 */
public final class ReferrerList {
    /** What a referrer is, as the list says. {@code medium}: search, social, email, paid, referral or unknown. */
    public record Referrer(String source, String medium) {}

    static final String RESOURCE = "/collector/referrers/referrers.json";

    private final Map<String, Referrer> byHostPath;
    private final Map<String, String> mediumBySource;

    private ReferrerList(Map<String, Referrer> byHostPath) {
        this.byHostPath = byHostPath;
        Map<String, Map<String, Integer>> votes = new HashMap<>();
        byHostPath.values().stream()
                .filter(r -> !r.medium().equals("unknown"))
                .forEach(r -> votes.computeIfAbsent(r.source().toLowerCase(Locale.ROOT), s -> new HashMap<>())
                        .merge(r.medium(), 1, Integer::sum));
        Map<String, String> medium = new HashMap<>();
        votes.forEach((source, counts) -> medium.put(
                source,
                counts.entrySet().stream()
                        .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()))
                        .orElseThrow()
                        .getKey()));
        this.mediumBySource = medium;
    }

    /** The list bundled with the collector. */
    public static ReferrerList bundled() {
        try (InputStream in = ReferrerList.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the referrer list " + RESOURCE + " is missing from the collector");
            }
            return parse(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the referrer list " + RESOURCE, e);
        }
    }

    static ReferrerList parse(JsonNode list) {
        Map<String, Referrer> entries = new HashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = list.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            entries.put(
                    entry.getKey().toLowerCase(Locale.ROOT),
                    new Referrer(
                            entry.getValue().path("source").asText(),
                            entry.getValue().path("medium").asText()));
        }
        return new ReferrerList(Map.copyOf(entries));
    }

    public int size() {
        return byHostPath.size();
    }

    /**
     * @param hostAndPath a referrer as stored: lower-case host, then the path ({@code www.google.com/search})
     * @return what the list says, or null if it does not know the host
     */
    public Referrer lookUp(String hostAndPath) {
        String key = hostAndPath.toLowerCase(Locale.ROOT);
        while (key.endsWith("/")) {
            key = key.substring(0, key.length() - 1);
        }
        for (int slash = key.lastIndexOf('/'); slash > 0; slash = key.lastIndexOf('/', slash - 1)) {
            Referrer byPath = byHostPath.get(key);
            if (byPath != null) {
                return byPath;
            }
            key = key.substring(0, slash);
        }
        for (String host = key; host.indexOf('.') > 0; host = host.substring(host.indexOf('.') + 1)) {
            Referrer byHost = byHostPath.get(host);
            if (byHost != null) {
                return byHost;
            }
        }
        return null;
    }

    /** The medium the list gives a source most often ({@code google} → search), or null. */
    public String mediumOfSource(String source) {
        return mediumBySource.get(source.toLowerCase(Locale.ROOT));
    }
}
