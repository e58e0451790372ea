package io.clickstream.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.RepositoryLayout;
import io.clickstream.testsupport.TestProcesses;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/maven-with-proxy.sh, which the image build runs Maven through: real Maven, a real
 * download from Maven Central, through an HTTP proxy run by this test (CONNECT tunnels, as
 * corporate proxies serve https). Maven alone ignores HTTPS_PROXY; through the script it uses it,
 * and with the proxy gone the download fails instead of going around it.
 */
class MavenProxyScriptIT {
    private static TestProcesses.Finished maven(Path dir, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(
                        "sh",
                        RepositoryLayout.resolve("scripts/maven-with-proxy.sh").toString(),
                        "-B",
                        "-ntp",
                        "-Dmaven.repo.local=" + dir.resolve("repository"),
                        "org.apache.maven.plugins:maven-dependency-plugin:2.8:get",
                        "-Dartifact=org.slf4j:slf4j-api:2.0.16",
                        "-Dtransitive=false")
                .directory(dir.toFile());
        builder.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
        builder.environment()
                .put("MAVEN_PROXY_SETTINGS", dir.resolve("settings.xml").toString());
        builder.environment().putAll(env);
        return TestProcesses.run(builder, "Maven");
    }

    @Test
    void mavenDownloadsThroughTheProxyNamedByHttpsProxy(@TempDir Path dir) throws Exception {
        try (TunnelingProxy proxy = new TunnelingProxy()) {
            TestProcesses.Finished run =
                    maven(dir, Map.of("HTTPS_PROXY", "http://127.0.0.1:" + proxy.port(), "NO_PROXY", "localhost"));
            assertEquals(0, run.exitCode(), run.output());
            assertTrue(
                    Files.exists(dir.resolve("repository/org/slf4j/slf4j-api/2.0.16/slf4j-api-2.0.16.jar")),
                    "the artifact was downloaded");
            assertTrue(
                    proxy.tunnels().stream().anyMatch(t -> t.startsWith("repo.maven.apache.org:443")),
                    "the downloads went through the proxy: " + proxy.tunnels());
            String settings = Files.readString(dir.resolve("settings.xml"));
            assertTrue(settings.contains("<host>127.0.0.1</host><port>" + proxy.port() + "</port>"), settings);
            assertTrue(settings.contains("<nonProxyHosts>localhost</nonProxyHosts>"), settings);
        }
    }

    @Test
    void withTheProxyGoneMavenFailsRatherThanGoAroundIt(@TempDir Path dir) throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        TestProcesses.Finished run = maven(dir, Map.of("https_proxy", "http://user:p%26ss@127.0.0.1:" + closed));
        assertTrue(run.exitCode() != 0, "downloaded without the proxy:\n" + run.output());
        assertTrue(run.output().contains("Maven through the proxy http://127.0.0.1:" + closed), run.output());
        assertTrue(!run.output().contains("p%26ss"), "the proxy's password is not printed");
    }

    /**
     * What the script writes for each form of proxy URL, read from a stand-in mvn that prints the
     * settings file it is given: the scheme's default port when none is written, the credentials
     * XML-escaped, NO_PROXY's ".domain" as Maven's "*.domain".
     */
    @Test
    void eachFormOfProxyUrlBecomesMavensProxy(@TempDir Path dir) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Files.writeString(bin.resolve("mvn"), "#!/bin/sh\ncat \"$2\"\n");
        assertTrue(bin.resolve("mvn").toFile().setExecutable(true));
        Map<String, String> expected = Map.of(
                "https://proxy.corp",
                "<protocol>https</protocol><host>proxy.corp</host><port>443</port>",
                "http://proxy.corp",
                "<protocol>http</protocol><host>proxy.corp</host><port>80</port>",
                "http://me:a<b&c@proxy.corp:3128/",
                "<host>proxy.corp</host><port>3128</port><username>me</username><password>a&lt;b&amp;c</password>");
        for (Map.Entry<String, String> proxy : expected.entrySet()) {
            ProcessBuilder builder = new ProcessBuilder(
                    "sh",
                    RepositoryLayout.resolve("scripts/maven-with-proxy.sh").toString(),
                    "-q");
            builder.environment().keySet().removeIf(k -> k.toLowerCase().endsWith("_proxy"));
            builder.environment().put("PATH", bin + ":" + builder.environment().get("PATH"));
            builder.environment()
                    .put("MAVEN_PROXY_SETTINGS", dir.resolve("settings.xml").toString());
            builder.environment().put("HTTPS_PROXY", proxy.getKey());
            builder.environment().put("NO_PROXY", "localhost,.corp");
            TestProcesses.Finished script = TestProcesses.run(builder, "the script");
            String output = script.output();
            assertEquals(0, script.exitCode(), output);
            assertTrue(output.contains(proxy.getValue()), proxy.getKey() + ":\n" + output);
            assertTrue(output.contains("<nonProxyHosts>localhost|*.corp</nonProxyHosts>"), output);
        }
    }

    /** An HTTP proxy that serves CONNECT only: each tunnel pipes bytes both ways, and is recorded. */
    private static final class TunnelingProxy implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0);
        private final List<String> tunnels = new CopyOnWriteArrayList<>();

        TunnelingProxy() throws IOException {
            Thread acceptor = new Thread(this::accept, "test-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        List<String> tunnels() {
            return tunnels;
        }

        private void accept() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    daemon(() -> tunnel(client));
                } catch (IOException closed) {
                    return;
                }
            }
        }

        private void tunnel(Socket client) {
            try (client) {
                BufferedReader in =
                        new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.ISO_8859_1));
                String request = in.readLine();
                for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                    // headers (Proxy-Authorization, ...) are not needed here
                }
                String[] parts = request == null ? new String[0] : request.split(" ");
                if (parts.length < 2 || !parts[0].equals("CONNECT")) {
                    client.getOutputStream().write("HTTP/1.1 405 Method Not Allowed\r\n\r\n".getBytes());
                    return;
                }
                tunnels.add(parts[1]);
                String[] hostPort = parts[1].split(":");
                try (Socket upstream = new Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
                    client.getOutputStream()
                            .write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    Thread back = daemon(() -> pipe(upstream, client));
                    pipe(client, upstream);
                    back.join();
                }
            } catch (IOException | InterruptedException e) {
                // a tunnel that ends badly ends the download, which the test sees
            }
        }

        private static Thread daemon(Runnable task) {
            Thread thread = new Thread(task, "test-proxy-tunnel");
            thread.setDaemon(true);
            thread.start();
            return thread;
        }

        private static void pipe(Socket from, Socket to) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                in.transferTo(out);
                to.shutdownOutput();
            } catch (IOException e) {
                // the other side closed
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
