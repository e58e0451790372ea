package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.Await;
import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No text file of the project holds a CR: a CRLF script breaks ClickHouse's init and the
 * containers' shells, and CRLF sources fail the format check. .gitattributes makes every
 * checkout LF; this catches a file committed with CRs (or a copy made outside Git). The files are
 * Git's list of tracked files in a checkout, the tree itself (build output aside) elsewhere.
 */
class LineEndingsTest {
    private static final Set<String> NOT_SOURCES = Set.of("target", ".git", ".venv-local", "data", "node_modules");

    @Test
    void everyCheckoutIsLf() throws IOException {
        List<String> rules = Files.readAllLines(RepositoryLayout.resolve(".gitattributes"));
        assertTrue(rules.contains("* text=auto eol=lf"), ".gitattributes: " + rules);
    }

    @Test
    void noTextFileHasACarriageReturn() throws Exception {
        List<Path> files = projectFiles();
        assertTrue(files.size() > 100, "the project's files: " + files.size());
        List<String> withCr = new ArrayList<>();
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            byte[] head = Arrays.copyOf(bytes, Math.min(bytes.length, 8000));
            boolean binary = new String(head, StandardCharsets.ISO_8859_1).indexOf('\0') >= 0;
            if (!binary && new String(bytes, StandardCharsets.ISO_8859_1).indexOf('\r') >= 0) {
                withCr.add(RepositoryLayout.root().relativize(file).toString());
            }
        }
        assertEquals(List.of(), withCr, "text files with CR bytes (convert them to LF)");
    }

    private static List<Path> projectFiles() throws Exception {
        Path root = RepositoryLayout.root();
        if (Files.exists(root.resolve(".git"))) {
            Process git = TestProcesses.start(new ProcessBuilder("git", "ls-files", "-z").directory(root.toFile()));
            String listing;
            try (InputStream out = git.getInputStream()) {
                listing = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertTrue(git.waitFor(Await.HANG.toSeconds(), TimeUnit.SECONDS), "git ls-files hung");
            assertEquals(0, git.exitValue(), "git ls-files");
            return Stream.of(listing.split("\0"))
                    .filter(name -> !name.isEmpty())
                    .map(root::resolve)
                    .filter(Files::isRegularFile)
                    .toList();
        }
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(Files::isRegularFile)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (NOT_SOURCES.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .toList();
        }
    }
}
