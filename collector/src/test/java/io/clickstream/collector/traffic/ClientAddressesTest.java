package io.clickstream.collector.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Whose address a request carries: the peer's, unless a trusted proxy forwarded it. */
class ClientAddressesTest {
    private static InetAddress ip(String literal) {
        return ClientAddresses.literal(literal);
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItsHeadersSay() {
        ClientAddresses trusting = ClientAddresses.trusting("10.0.0.0/8");
        assertEquals(ip("198.51.100.9"), trusting.of(ip("198.51.100.9"), List.of("203.0.113.7")), "forged");
        assertEquals(ip("198.51.100.9"), ClientAddresses.DIRECT.of(ip("198.51.100.9"), List.of("203.0.113.7")));
    }

    @Test
    void behindTrustedProxiesTheFirstUntrustedHopFromTheRightIsTheClient() {
        ClientAddresses trusting = ClientAddresses.trusting("10.0.0.0/8, 192.0.2.1, ::1");
        assertEquals(ip("203.0.113.7"), trusting.of(ip("10.1.2.3"), List.of("203.0.113.7")));
        assertEquals(
                ip("203.0.113.7"),
                trusting.of(ip("10.1.2.3"), List.of("198.51.100.66, 203.0.113.7, 192.0.2.1")),
                "the left entry was written by the client: not believed");
        assertEquals(
                ip("203.0.113.7"),
                trusting.of(ip("10.1.2.3"), List.of("198.51.100.66", "203.0.113.7")),
                "several headers are one list");
        assertEquals(ip("2001:db8::5"), trusting.of(ip("::1"), List.of("[2001:db8::5]:443")), "brackets and a port");
        assertEquals(ip("203.0.113.7"), trusting.of(ip("10.1.2.3"), List.of("203.0.113.7:5123")), "a port");
        assertEquals(ip("10.9.9.9"), trusting.of(ip("10.1.2.3"), List.of("10.9.9.9")), "all trusted: the leftmost");
        assertEquals(ip("10.1.2.3"), trusting.of(ip("10.1.2.3"), List.of()), "no header: the proxy itself");
    }

    @Test
    void anythingButAnAddressEndsTheSearchWithoutALookUp() {
        ClientAddresses trusting = ClientAddresses.trusting("10.0.0.0/8");
        assertNull(trusting.of(ip("10.1.2.3"), List.of("unknown")));
        assertNull(trusting.of(ip("10.1.2.3"), List.of("attacker.example.com")), "a host name is never looked up");
        assertNull(trusting.of(ip("10.1.2.3"), List.of("1.2.3.256")), "not an address, and not a name to look up");
        assertNull(trusting.of(ip("10.1.2.3"), List.of("203.0.113.7, <script>")));
    }

    @Test
    void badRangesAreRefusedNamingThem() {
        assertEquals(
                "'10.0.0.0/33': a prefix length must be 0 to 32",
                assertThrows(IllegalArgumentException.class, () -> ClientAddresses.trusting("10.0.0.0/33"))
                        .getMessage());
        assertEquals(
                "'proxy.local' is not an IP address or a CIDR range",
                assertThrows(IllegalArgumentException.class, () -> ClientAddresses.trusting("10.0.0.1, proxy.local"))
                        .getMessage());
    }
}
