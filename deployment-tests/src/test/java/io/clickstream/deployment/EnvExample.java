package io.clickstream.deployment;

import io.clickstream.testsupport.RepositoryLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Set;
import java.util.TreeSet;

/** The variables .env.example documents: set ({@code NAME=value}) or shown commented out ({@code #NAME=}, optional without a default). */
final class EnvExample {
    private EnvExample() {}

    static Set<String> variables() throws IOException {
        Set<String> names = new TreeSet<>();
        for (String line : Files.readAllLines(RepositoryLayout.resolve(".env.example"))) {
            if (!line.isBlank() && !line.startsWith("#")) {
                names.add(line.substring(0, line.indexOf('=')).trim());
            } else if (line.matches("#[A-Z][A-Z0-9_]*=.*")) {
                names.add(line.substring(1, line.indexOf('=')).trim());
            }
        }
        return names;
    }
}
