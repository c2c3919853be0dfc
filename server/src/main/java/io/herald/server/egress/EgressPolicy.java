package io.herald.server.egress;

import io.herald.server.common.Violations;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;

/**
 * Decides which addresses the server may call on an app's behalf (push processors, HTTP check-backs).
 * By default loopback, link-local (the cloud metadata service at 169.254.169.254), private,
 * unspecified and multicast targets are refused ({@code herald.dispatch.denied-networks});
 * {@code herald.dispatch.allowed-targets} lets chosen hosts, ports or networks through.
 *
 * <p>An address is checked twice: when it is set (a 422 naming the field) and when the server connects.
 * At connect time the host name is resolved here, every address it resolves to is checked, and the
 * client connects to exactly those addresses ({@link #httpResolver()}, {@link #grpcResolver()}): a name
 * that resolved to a public address when the processor was saved and to 127.0.0.1 later (DNS rebinding)
 * is refused, not called.
 */
@Component
public class EgressPolicy {

    /** Turns a host name into addresses; the system resolver unless the context has another (a test's own names). */
    @FunctionalInterface
    public interface HostResolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A target the policy refuses, thrown where a client resolves a name (a connection that never starts). */
    public static final class RefusedTargetException extends UnknownHostException {
        RefusedTargetException(String message) {
            super(message);
        }
    }

    private static final String HOW_TO_ALLOW = "Herald refuses loopback, link-local, private, unspecified and multicast"
            + " targets (herald.dispatch.denied-networks) unless herald.dispatch.allowed-targets lists them";

    private final List<Network> denied;
    private final List<Network> allowedNetworks = new ArrayList<>();
    /** host name, or host name + ":" + port */
    private final List<String> allowedNames = new ArrayList<>();
    private final HostResolver resolver;

    @org.springframework.beans.factory.annotation.Autowired
    EgressPolicy(EgressProperties props, ObjectProvider<HostResolver> resolver) {
        this(props, resolver.getIfAvailable(() -> InetAddress::getAllByName));
    }

    public EgressPolicy(EgressProperties props, HostResolver resolver) {
        this.resolver = resolver;
        this.denied = props.deniedNetworks().stream().map(s -> Network.parse(s, "herald.dispatch.denied-networks")).toList();
        for (String entry : props.allowedTargets()) {
            Network n = Network.parseTarget(entry);
            if (n != null) {
                allowedNetworks.add(n);
            } else {
                allowedNames.add(hostPort(entry));
            }
        }
    }

    /** Adds a violation of {@code field} when the http(s) URL {@code url} points where Herald may not call. */
    public void checkUrl(Violations v, String field, String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (Exception e) {
            return; // the address rules name the malformed URL
        }
        if (uri.getHost() == null || uri.getScheme() == null) {
            return;
        }
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        String why = refusal(uri.getHost(), port);
        if (why != null) {
            v.add(field, why);
        }
    }

    /** Adds a violation of {@code field} when the gRPC target ({@code host:port}, {@code grpcs://host:port}) points where Herald may not call. */
    public void checkGrpcTarget(Violations v, String field, String target) {
        String t = target.strip().replaceFirst("^grpcs?://", "");
        int colon = t.lastIndexOf(':');
        if (colon <= 0) {
            return;
        }
        int port;
        try {
            port = Integer.parseInt(t.substring(colon + 1));
        } catch (NumberFormatException e) {
            return;
        }
        String why = refusal(t.substring(0, colon), port);
        if (why != null) {
            v.add(field, why);
        }
    }

    /**
     * Why a target is refused when it is set, or null. A name that does not resolve now passes: it is
     * resolved and checked again whenever the server connects.
     */
    String refusal(String host, int port) {
        String h = normalize(host);
        if (allowedByName(h, port)) {
            return null;
        }
        InetAddress[] addresses;
        try {
            addresses = resolver.resolve(h);
        } catch (UnknownHostException e) {
            return null;
        }
        for (InetAddress a : addresses) {
            String kind = deniedKind(a, port);
            if (kind != null) {
                boolean literal = a.getHostAddress().equalsIgnoreCase(h) || literal(h);
                return "must not point at " + (literal ? a.getHostAddress() + ", " + kind
                        : host + ": it resolves to " + a.getHostAddress() + ", " + kind) + "; " + HOW_TO_ALLOW;
            }
        }
        return null;
    }

    /**
     * Resolves {@code host} for a connection to {@code port} and checks every address it resolves to.
     *
     * @throws RefusedTargetException when any of them is refused: the caller connects to none
     */
    public List<InetAddress> checkedAddresses(String host, int port) throws UnknownHostException {
        String h = normalize(host);
        InetAddress[] addresses = resolver.resolve(h);
        if (!allowedByName(h, port)) {
            for (InetAddress a : addresses) {
                String kind = deniedKind(a, port);
                if (kind != null) {
                    throw new RefusedTargetException("Herald refused to connect to " + host + (port > 0 ? ":" + port : "")
                            + ": it resolves to " + a.getHostAddress() + ", " + kind + "; " + HOW_TO_ALLOW);
                }
            }
        }
        return List.of(addresses);
    }

    /** For Apache HttpClient: resolves through {@link #checkedAddresses}, so the client connects only to checked addresses. */
    public org.apache.hc.client5.http.DnsResolver httpResolver() {
        return new org.apache.hc.client5.http.DnsResolver() {
            @Override
            public InetAddress[] resolve(String host) throws UnknownHostException {
                return checkedAddresses(host, -1).toArray(InetAddress[]::new);
            }

            @Override
            public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
                return checkedAddresses(host, port).stream().map(a -> new InetSocketAddress(a, port)).toList();
            }

            @Override
            public String resolveCanonicalHostname(String host) {
                return host;
            }
        };
    }

    /** For gRPC channels: a name resolver that checks what it resolves (re-resolved and re-checked on every reconnect). */
    @SuppressWarnings("deprecation")
    public io.grpc.NameResolver.Factory grpcResolver() {
        return new CheckedNameResolver.Factory(this);
    }

    private boolean allowedByName(String host, int port) {
        return allowedNames.contains(host) || allowedNames.contains(host + ":" + port);
    }

    /** What kind of refused address {@code a} is, or null when it may be called. */
    private String deniedKind(InetAddress a, int port) {
        for (Network n : allowedNetworks) {
            if (n.contains(a) && (n.port() < 0 || n.port() == port)) {
                return null;
            }
        }
        for (Network n : denied) {
            if (n.contains(a)) {
                return kind(a, n);
            }
        }
        // an IPv4 address inside IPv6 (::a.b.c.d, NAT64 64:ff9b::a.b.c.d) is checked as the IPv4 address it carries
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean compatible = allZero(b, 0, 12);
            boolean nat64 = b[0] == 0 && b[1] == 0x64 && b[2] == (byte) 0xff && b[3] == (byte) 0x9b && allZero(b, 4, 12);
            if ((compatible && !allZero(b, 12, 16)) || nat64) {
                try {
                    return deniedKind(InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16)), port);
                } catch (UnknownHostException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return null;
    }

    private static String kind(InetAddress a, Network n) {
        if (a.isAnyLocalAddress()) {
            return "an unspecified address";
        }
        if (a.isLoopbackAddress()) {
            return "a loopback address";
        }
        if (a.isLinkLocalAddress()) {
            return "a link-local address";
        }
        if (a.isMulticastAddress()) {
            return "a multicast address";
        }
        if (a.isSiteLocalAddress() || (a instanceof Inet6Address && (a.getAddress()[0] & 0xFE) == 0xFC)) {
            return "a private address";
        }
        return "an address in the denied network " + n;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean literal(String host) {
        return host.indexOf(':') >= 0 || host.matches("[0-9.]+");
    }

    static String normalize(String host) {
        String h = host.strip().toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) {
            h = h.substring(1, h.length() - 1);
        }
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        return h;
    }

    /** {@code host} or {@code host:port}, normalized; an entry that is neither fails start-up. */
    private static String hostPort(String entry) {
        String e = entry.strip().toLowerCase(Locale.ROOT);
        int colon = e.lastIndexOf(':');
        String host = colon > 0 ? e.substring(0, colon) : e;
        String port = colon > 0 ? e.substring(colon + 1) : null;
        if (!host.matches("[a-z0-9]([a-z0-9\\-.]*[a-z0-9])?\\.?") || (port != null && !port.matches("\\d{1,5}"))) {
            throw new IllegalArgumentException("herald.dispatch.allowed-targets: '" + entry
                    + "' is neither host, host:port, an IP address (with :port) nor a CIDR such as 10.1.0.0/16");
        }
        return normalize(host) + (port == null ? "" : ":" + Integer.parseInt(port));
    }

    /** An IPv4 or IPv6 network (an address is one of /32 or /128), optionally one port of it. */
    record Network(byte[] address, int prefix, int port, String text) {

        /** A CIDR or address (IPv6 in brackets or bare); null when {@code entry} is a host name. */
        static Network parseTarget(String entry) {
            String e = entry.strip();
            String addr = e;
            String port = null;
            if (e.startsWith("[")) {
                // [v6], [v6]:port, [v6/prefix]
                int close = e.indexOf(']');
                String rest = close < 0 ? "" : e.substring(close + 1);
                if (close < 0 || !rest.matches("(:\\d{1,5})?")) {
                    throw new IllegalArgumentException("herald.dispatch.allowed-targets: '" + entry + "' is not [IPv6 address]:port");
                }
                addr = e.substring(1, close);
                port = rest.isEmpty() ? null : rest.substring(1);
            } else if (e.matches("[0-9.]+(/\\d+)?:\\d{1,5}")) {
                addr = e.substring(0, e.lastIndexOf(':'));
                port = e.substring(e.lastIndexOf(':') + 1);
            }
            String bare = addr.replaceFirst("/\\d+$", "");
            if (!bare.matches("[0-9.]+") && !(bare.chars().filter(c -> c == ':').count() >= 2 && bare.matches("[0-9A-Fa-f:.]+"))) {
                return null; // a host name
            }
            Network n = parse(addr, "herald.dispatch.allowed-targets");
            return new Network(n.address, n.prefix, port == null ? -1 : Integer.parseInt(port), e);
        }

        static Network parse(String cidr, String setting) {
            String s = cidr.strip();
            int slash = s.indexOf('/');
            String addr = slash < 0 ? s : s.substring(0, slash);
            if (addr.startsWith("[") && addr.endsWith("]")) {
                addr = addr.substring(1, addr.length() - 1);
            }
            byte[] bytes;
            try {
                if (!addr.matches("[0-9A-Fa-f:.]+")) {
                    throw new UnknownHostException(addr);
                }
                InetAddress a = InetAddress.getByName(addr);
                bytes = a.getAddress();
                if (addr.indexOf(':') >= 0 && a instanceof Inet4Address) {
                    throw new UnknownHostException(addr); // ::ffff:a.b.c.d: write the IPv4 network itself
                }
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException(setting + ": '" + cidr + "' is not an IP address or CIDR (such as 10.0.0.0/8 or fc00::/7)");
            }
            int prefix;
            try {
                prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(s.substring(slash + 1));
            } catch (NumberFormatException e) {
                prefix = -1;
            }
            if (prefix < 0 || prefix > bytes.length * 8) {
                throw new IllegalArgumentException(setting + ": '" + cidr + "' has a prefix length outside 0.." + bytes.length * 8);
            }
            return new Network(bytes, prefix, -1, s);
        }

        boolean contains(InetAddress a) {
            byte[] b = a.getAddress();
            if (b.length != address.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (b[i] != address[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xFF << (8 - rest)) & 0xFF;
            return (b[full] & mask) == (address[full] & mask);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
