package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every link in the documentation resolves: README.md, BENCHMARKS.md and docs/*.md, each relative
 * link to a file or folder of the repository, and each {@code #anchor} to a heading of its page,
 * named as GitHub names it (lower case, punctuation dropped, spaces to hyphens, a repeated
 * heading's name suffixed {@code -1}, {@code -2}). Links to other sites are not fetched (no
 * network here); links in code are not links.
 */
class DocumentationLinksTest {
    private static final Pattern LINK = Pattern.compile("(?<!!)\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern INLINE_CODE = Pattern.compile("`[^`]*`");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*?)\\s*#*\\s*$");

    @Test
    void everyLinkInTheDocsResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        List<Path> pages = pages();
        int links = 0;
        for (Path page : pages) {
            for (String target : links(page)) {
                links++;
                String problem = problem(page, target);
                if (problem != null) {
                    broken.add(RepositoryLayout.root().relativize(page) + ": (" + target + ") " + problem);
                }
            }
        }
        assertTrue(links > 50, "links found in " + pages.size() + " pages: " + links);
        assertEquals(List.of(), broken, "broken links");
    }

    @Test
    void anchorsAreNamedAsGitHubNamesThem() {
        assertEquals(
                List.of(
                        "on-a-replicated-clickhouse",
                        "the-event",
                        "docker-compose-env",
                        "replay-dead-letters",
                        "limits",
                        "limits-1"),
                anchorsOf(List.of(
                        "## On a replicated ClickHouse",
                        "## The event",
                        "## Docker compose (`.env`)",
                        "### `replay-dead-letters`",
                        "not a heading",
                        "## Limits",
                        "## Limits")));
    }

    private static List<Path> pages() throws IOException {
        Path root = RepositoryLayout.root();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("BENCHMARKS.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    /** The link targets of a page, outside fenced code blocks and inline code. */
    private static List<String> links(Path page) throws IOException {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher link = LINK.matcher(INLINE_CODE.matcher(line).replaceAll(""));
            while (link.find()) {
                targets.add(link.group(1));
            }
        }
        return targets;
    }

    /** Why a link does not resolve; null if it does. */
    private static String problem(Path page, String target) throws IOException {
        if (target.matches("^[a-zA-Z][a-zA-Z+.-]*:.*")) {
            return null; // https:, mailto:: another site
        }
        int hash = target.indexOf('#');
        String path = hash < 0 ? target : target.substring(0, hash);
        Path file = path.isEmpty() ? page : page.getParent().resolve(path).normalize();
        if (!file.startsWith(RepositoryLayout.root())) {
            return "points outside the repository";
        }
        if (!Files.exists(file)) {
            return "no such file";
        }
        if (hash < 0) {
            return null;
        }
        if (!file.toString().endsWith(".md")) {
            return "an anchor into a file that is not a page";
        }
        String anchor = target.substring(hash + 1);
        return anchorsOf(headings(file)).contains(anchor) ? null : "no heading with the anchor #" + anchor;
    }

    private static List<String> headings(Path page) throws IOException {
        List<String> headings = new ArrayList<>();
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.strip().startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.startsWith("#")) {
                headings.add(line);
            }
        }
        return headings;
    }

    /** GitHub's anchor for each heading line, in order; lines that are not headings give none. */
    static List<String> anchorsOf(List<String> lines) {
        List<String> anchors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : lines) {
            Matcher heading = HEADING.matcher(line);
            if (!heading.matches()) {
                continue;
            }
            String slug = heading.group(1)
                    .toLowerCase(Locale.ROOT)
                    .replaceAll("[^\\p{L}\\p{N}\\s_-]", "")
                    .replace(' ', '-');
            int repeats = seen.merge(slug, 1, Integer::sum) - 1;
            anchors.add(repeats == 0 ? slug : slug + "-" + repeats);
        }
        return anchors;
    }
}
