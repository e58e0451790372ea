package io.clickstream.collector.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clickstream.testsupport.RepositoryLayout;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Countries from the real database the collector ships with (scripts/fetch-geoip.sh, which
 * .ci/run runs); without it this fails, saying so. Addresses of long-standing national
 * institutions, so a newer database gives the same answers.
 */
class CountriesTest {
    private static Path database;

    @BeforeAll
    static void database() {
        String configured = System.getenv("CLICKSTREAM_GEOIP_DATABASE");
        database = configured != null ? Path.of(configured) : RepositoryLayout.resolve("data/geoip/dbip-country.mmdb");
        assertTrue(
                Files.isRegularFile(database),
                "no IP-to-country database at " + database
                        + ": run scripts/fetch-geoip.sh (or set CLICKSTREAM_GEOIP_DATABASE)");
    }

    private static InetAddress ip(String literal) {
        return ClientAddresses.literal(literal);
    }

    @Test
    void addressesOfKnownInstitutionsResolveToTheirCountries() throws Exception {
        Countries countries = Countries.open(database);
        assertEquals("DE", countries.of(ip("193.99.144.80")), "heise.de");
        assertEquals("JP", countries.of(ip("133.11.0.1")), "the University of Tokyo");
        assertEquals("BR", countries.of(ip("200.160.2.3")), "registro.br");
        assertEquals("GB", countries.of(ip("212.58.244.20")), "the BBC");
        assertNotNull(countries.of(ip("2001:4860:4860::8888")), "an IPv6 address");
        assertNull(countries.of(ip("10.1.2.3")), "a private address has none");
        assertNull(countries.of(null));
        assertNull(Countries.NONE.of(ip("193.99.144.80")), "no database: unknown");
    }

    @Test
    void aReplacedFileIsReadAgainWithoutARestart(@TempDir Path dir) throws Exception {
        Path ipv4Only = database.resolveSibling("dbip-country-ipv4.mmdb");
        assertTrue(Files.isRegularFile(ipv4Only), "run scripts/fetch-geoip.sh: it also keeps " + ipv4Only);
        Path file = dir.resolve("countries.mmdb");
        Files.copy(ipv4Only, file);
        long[] now = {0};
        Countries countries = Countries.open(file, () -> now[0]);
        assertEquals(4, countries.ipVersion(), "the IPv4 part alone");
        Files.writeString(file, "not a database"); // a broken update: the one read before stays
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(5)));
        now[0] += Duration.ofSeconds(Countries.CHECK_SECONDS).toNanos();
        assertEquals("DE", countries.of(ip("193.99.144.80")), "kept the database read before");
        assertEquals(4, countries.ipVersion());
        Path fresh = dir.resolve("fresh.mmdb");
        Files.copy(database, fresh);
        Files.move(fresh, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(10)));
        countries.of(ip("193.99.144.80"));
        assertEquals(4, countries.ipVersion(), "not before the next check");
        now[0] += Duration.ofSeconds(Countries.CHECK_SECONDS).toNanos();
        assertEquals("DE", countries.of(ip("193.99.144.80")));
        assertEquals(6, countries.ipVersion(), "read again: the new file is in use");
    }
}
