package org.edm.api.security;

import jakarta.servlet.http.HttpServletRequest;
import org.springframework.stereotype.Component;

/**
 * The client's address for throttling (sign-in, tracking endpoints) and the session record. {@code X-Forwarded-For} is anyone's to write, so
 * it counts only when {@code edm.security.trust-forwarded-for} says a proxy in front sets it (its last entry).
 */
@Component
public class ClientAddress {

    private static final int MAX_LENGTH = 64;

    private final boolean trustForwardedFor;

    ClientAddress(SecuritySettings settings) {
        this.trustForwardedFor = settings.trustForwardedFor();
    }

    public String of(HttpServletRequest request) {
        String address = request.getRemoteAddr();
        if (trustForwardedFor) {
            String forwarded = request.getHeader("X-Forwarded-For");
            if (forwarded != null && !forwarded.isBlank()) {
                String[] hops = forwarded.split(",");
                address = hops[hops.length - 1].trim();
            }
        }
        if (address == null || address.isEmpty()) {
            return "unknown";
        }
        return address.length() > MAX_LENGTH ? address.substring(0, MAX_LENGTH) : address;
    }

    /**
     * Who a sign-in attempt counts against: the address itself for IPv4, its /64 for IPv6 (as {@code 2001:db8:1:2::/64}).
     * One IPv6 subscriber is routinely given a whole /64, so counting single addresses would hand a guesser a fresh
     * lock and throttle with every address it picks from it. An IPv4-mapped IPv6 address counts as its IPv4 one.
     */
    static String signInKey(String address) {
        if (address == null || !address.matches("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*")) {
            return address;
        }
        try {
            // only hex digits, ':' and '.': parsed as an IPv6 literal, never looked up in DNS
            java.net.InetAddress parsed = java.net.InetAddress.getByName(address);
            if (parsed instanceof java.net.Inet4Address) {
                return parsed.getHostAddress();
            }
            byte[] bytes = parsed.getAddress();
            StringBuilder prefix = new StringBuilder();
            for (int i = 0; i < 8; i += 2) {
                prefix.append(Integer.toHexString(((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff))).append(':');
            }
            return prefix.append(":/64").toString();
        } catch (java.net.UnknownHostException notAnAddress) {
            return address;
        }
    }
}
