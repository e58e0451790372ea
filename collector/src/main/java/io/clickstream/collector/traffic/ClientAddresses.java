package io.clickstream.collector.traffic;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The address a request came from, for its country alone (it is never stored, logged or sent
 * on): the connection's peer, or, when the peer is one of the configured trusted proxies (a load
 * balancer, a reverse proxy), the address that proxy put in {@code X-Forwarded-For}. The header
 * is read from its right end, skipping trusted proxies, and the first address not trusted is the
 * client's: anything to its left was written by the client itself and may be forged. A peer
 * that is not trusted is the client whatever the header says. An entry that is not an IP
 * address ends the search: the address is unknown.
 */
public final class ClientAddresses {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*");

    private final List<Cidr> trusted;

    private ClientAddresses(List<Cidr> trusted) {
        this.trusted = List.copyOf(trusted);
    }

    /** None trusted: every request's peer is its client. */
    public static final ClientAddresses DIRECT = new ClientAddresses(List.of());

    /**
     * @param ranges comma-separated addresses and CIDR ranges ({@code 10.0.0.0/8, ::1, 192.0.2.7})
     * @throws IllegalArgumentException naming a range that is not one
     */
    public static ClientAddresses trusting(String ranges) {
        List<Cidr> trusted = new ArrayList<>();
        if (ranges != null) {
            for (String range : ranges.split(",")) {
                if (!range.isBlank()) {
                    trusted.add(Cidr.parse(range.strip()));
                }
            }
        }
        return new ClientAddresses(trusted);
    }

    /**
     * @param peer the connection's remote address
     * @param forwardedFor every {@code X-Forwarded-For} header of the request, in order (may be empty)
     * @return the client's address, or null if it cannot be told
     */
    public InetAddress of(InetAddress peer, List<String> forwardedFor) {
        if (peer == null || !isTrusted(peer)) {
            return peer;
        }
        List<String> hops = new ArrayList<>();
        for (String header : forwardedFor) {
            for (String hop : header.split(",")) {
                hops.add(hop.strip());
            }
        }
        InetAddress client = peer;
        for (int i = hops.size() - 1; i >= 0; i--) {
            InetAddress hop = literal(hops.get(i));
            if (hop == null) {
                return null;
            }
            client = hop;
            if (!isTrusted(hop)) {
                return hop;
            }
        }
        return client;
    }

    private boolean isTrusted(InetAddress address) {
        for (Cidr range : trusted) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** An IP address written as one (never a host name: no DNS), brackets and a port allowed; else null. */
    static InetAddress literal(String text) {
        if (text == null) {
            return null;
        }
        String address = text;
        if (address.startsWith("[")) {
            int end = address.indexOf(']');
            if (end < 0) {
                return null;
            }
            address = address.substring(1, end);
        } else if (address.indexOf(':') == address.lastIndexOf(':') && address.indexOf(':') > 0) {
            address = address.substring(0, address.indexOf(':')); // IPv4 with a port
        }
        try {
            if (IPV4.matcher(address).matches()) {
                byte[] bytes = new byte[4];
                String[] octets = address.split("\\.");
                for (int i = 0; i < 4; i++) {
                    int octet = Integer.parseInt(octets[i]);
                    if (octet > 255) {
                        return null;
                    }
                    bytes[i] = (byte) octet;
                }
                return InetAddress.getByAddress(bytes); // built from bytes: never looked up
            }
            // With a colon, Java parses an IPv6 literal or refuses it; it never looks one up.
            return IPV6.matcher(address).matches() ? InetAddress.getByName(address) : null;
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** An address range: an address and how many of its leading bits a match must share. */
    record Cidr(byte[] network, int bits) {
        static Cidr parse(String text) {
            int slash = text.indexOf('/');
            InetAddress address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new IllegalArgumentException("'" + text + "' is not an IP address or a CIDR range");
            }
            int max = address.getAddress().length * 8;
            int bits;
            try {
                bits = slash < 0 ? max : Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' has no prefix length after its /");
            }
            if (bits < 0 || bits > max) {
                throw new IllegalArgumentException("'" + text + "': a prefix length must be 0 to " + max);
            }
            return new Cidr(address.getAddress(), bits);
        }

        boolean contains(InetAddress address) {
            byte[] bytes = address.getAddress();
            if (bytes.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < bits; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((bytes[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }
}
