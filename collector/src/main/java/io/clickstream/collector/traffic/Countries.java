package io.clickstream.collector.traffic;

import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client address's country (ISO 3166-1 alpha-2), from an IP-to-country database in MaxMind's
 * MMDB format: the ones of ip-location-db ({@code country_code}), DB-IP's and MaxMind's
 * ({@code country.iso_code}). The file is read into memory; replacing it updates the collector
 * without a restart: its modification time and size are checked at most every
 * {@value #CHECK_SECONDS} s, and a changed file is read again (a file that cannot be read keeps
 * the one before, with a warning). The address is only looked up: never stored or logged.
 * Thread-safe.
 */
public final class Countries {
    private static final Logger LOG = LoggerFactory.getLogger(Countries.class);
    static final long CHECK_SECONDS = 60;
    private static final Pattern CODE = Pattern.compile("[A-Z]{2}");

    /** No database: every country unknown. */
    public static final Countries NONE = new Countries(null, System::nanoTime);

    private record Loaded(Reader reader, FileTime modified, long size) {}

    private final Path database;
    private final LongSupplier nanoClock;
    private volatile Loaded loaded;
    private volatile long nextCheck;

    private Countries(Path database, LongSupplier nanoClock) {
        this.database = database;
        this.nanoClock = nanoClock;
    }

    /**
     * Opens the database at start.
     *
     * @throws IOException if it cannot be read or is not an MMDB file
     */
    public static Countries open(Path database) throws IOException {
        return open(database, System::nanoTime);
    }

    static Countries open(Path database, LongSupplier nanoClock) throws IOException {
        Countries countries = new Countries(database, nanoClock);
        countries.loaded = countries.load();
        countries.nextCheck =
                nanoClock.getAsLong() + Duration.ofSeconds(CHECK_SECONDS).toNanos();
        LOG.info(
                "countries from {} ({}, built {})",
                database,
                countries.loaded.reader().getMetadata().getDatabaseType(),
                countries.loaded.reader().getMetadata().getBuildDate().toInstant());
        return countries;
    }

    private Loaded load() throws IOException {
        FileTime modified = Files.getLastModifiedTime(database);
        long size = Files.size(database);
        return new Loaded(new Reader(database.toFile(), Reader.FileMode.MEMORY), modified, size);
    }

    /** The country of {@code address}, or null (no database, no address, an address it does not know). */
    public String of(InetAddress address) {
        if (database == null || address == null) {
            return null;
        }
        reloadIfChanged();
        try {
            Object record = loaded.reader().get(address, Map.class);
            return record instanceof Map<?, ?> fields ? code(fields) : null;
        } catch (IOException | RuntimeException e) {
            return null; // a corrupt record: the country is unknown, the event goes on
        }
    }

    /** The IP version of the database read (4 or 6): which file is in use, for a test. */
    int ipVersion() {
        return loaded.reader().getMetadata().getIpVersion();
    }

    private static String code(Map<?, ?> fields) {
        Object code = fields.get("country_code");
        if (code == null && fields.get("country") instanceof Map<?, ?> country) {
            code = country.get("iso_code");
        }
        if (code == null) {
            return null;
        }
        String upper = code.toString().toUpperCase(Locale.ROOT);
        return CODE.matcher(upper).matches() ? upper : null;
    }

    private void reloadIfChanged() {
        long now = nanoClock.getAsLong();
        if (now < nextCheck) {
            return;
        }
        synchronized (this) {
            if (now < nextCheck) {
                return;
            }
            nextCheck = now + Duration.ofSeconds(CHECK_SECONDS).toNanos();
            try {
                if (Files.getLastModifiedTime(database).equals(loaded.modified())
                        && Files.size(database) == loaded.size()) {
                    return;
                }
                Loaded fresh = load();
                loaded = fresh; // readers in flight keep the one they hold; it is in memory, nothing to close
                LOG.info(
                        "countries: {} changed, read again (built {})",
                        database,
                        fresh.reader().getMetadata().getBuildDate().toInstant());
            } catch (IOException | RuntimeException e) {
                LOG.warn(
                        "countries: {} cannot be read ({}); keeping the database read before",
                        database,
                        e.getMessage());
            }
        }
    }
}
