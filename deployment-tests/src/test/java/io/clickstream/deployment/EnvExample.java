package io.clickstream.deployment;

import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;

/** The variables .env.example documents. */
final class EnvExample {
    private EnvExample() {
    }

    static Set<String> variables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(RepositoryLayout.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.substring(0, line.indexOf('=')).trim());
            }
        }
        return names;
    }
}
