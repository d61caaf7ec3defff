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
}
