package org.edm.domain.webhook;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where outgoing webhooks may go (SSRF guard). By default only {@code https} URLs whose host is a public address:
 * never loopback, private (10/8, 172.16/12, 192.168/16, 100.64/10), link-local (169.254/16 — cloud metadata —,
 * fe80::/10), multicast, unique-local (fc00::/7), unspecified or IPv4-mapped forms of these. With
 * {@code allowPrivate} (EDM_WEBHOOKS_ALLOW_PRIVATE, for development and tests) http and private hosts are allowed.
 *
 * <p>The api checks the URL's text at registration (it never resolves DNS); the worker resolves the host before
 * every call and checks every address it resolves to.
 */
public final class WebhookTargets {

    private WebhookTargets() {
    }

    /** Why {@code url} may not be registered, or empty when it may. Checks literal hosts only, no DNS. */
    public static Optional<String> refusal(String url, boolean allowPrivate) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Optional.of("must be an absolute http(s) URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowPrivate && scheme.equals("http"))) {
            return Optional.of(allowPrivate ? "must be an http or https URL" : "must be an https URL");
        }
        if (uri.getHost() == null || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
            return Optional.of("must name a host, without user info or fragment");
        }
        if (allowPrivate) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.equals("localhost") || host.endsWith(".localhost") || host.endsWith(".local")
                || host.endsWith(".internal") || !host.contains(".") && !host.startsWith("[")) {
            return Optional.of("must not point to a local or internal host");
        }
        Optional<InetAddress> literal = literalAddress(host);
        if (literal.isPresent() && isForbidden(literal.get())) {
            return Optional.of("must not point to a loopback, private, link-local or multicast address");
        }
        return Optional.empty();
    }

    /** True for addresses a webhook must never reach unless private targets are allowed. */
    public static boolean isForbidden(InetAddress address) {
        if (address.isLoopbackAddress() || address.isAnyLocalAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return true;
        }
        byte[] b = address.getAddress();
        if (address instanceof Inet4Address) {
            int first = b[0] & 0xff;
            int second = b[1] & 0xff;
            return first == 0 // "this network"
                    || (first == 100 && second >= 64 && second <= 127) // carrier-grade NAT
                    || (first == 192 && second == 0 && (b[2] & 0xff) == 0) // IETF protocol assignments
                    || first >= 240; // reserved and broadcast
        }
        if (address instanceof Inet6Address) {
            if ((b[0] & 0xfe) == 0xfc) {
                return true; // unique local fc00::/7
            }
            if (isMappedOrCompatibleV4(b)) {
                try {
                    return isForbidden(InetAddress.getByAddress(new byte[]{b[12], b[13], b[14], b[15]}));
                } catch (java.net.UnknownHostException e) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isMappedOrCompatibleV4(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return (b[10] == (byte) 0xff && b[11] == (byte) 0xff) || (b[10] == 0 && b[11] == 0);
    }

    /** The address a host names literally (IPv4 dotted quad or bracketed IPv6), without any DNS lookup. */
    static Optional<InetAddress> literalAddress(String host) {
        String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean ipv4 = h.matches("[0-9.]+") && h.chars().filter(c -> c == '.').count() == 3;
        boolean ipv6 = h.contains(":") && h.matches("[0-9a-fA-F:.%]+");
        if (!ipv4 && !ipv6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(h)); // a literal: parsed, not resolved
        } catch (java.net.UnknownHostException e) {
            return Optional.empty();
        }
    }
}
