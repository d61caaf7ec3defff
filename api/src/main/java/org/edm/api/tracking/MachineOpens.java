package org.edm.api.tracking;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * Opens that no person caused. Apple Mail Privacy Protection fetches every image of every message on delivery
 * with the bare user agent {@code Mozilla/5.0}; link scanners and security gateways fetch within seconds of
 * sending. Gmail's image proxy ({@code GoogleImageProxy}) is deliberately not here: it fetches when the person
 * opens the message, so it is a real open seen through a proxy.
 */
final class MachineOpens {

    static final Duration TOO_SOON_AFTER_SENDING = Duration.ofSeconds(10);

    private MachineOpens() {
    }

    static boolean isMachine(String userAgent, Instant sentAt, Instant now) {
        if (sentAt != null && Duration.between(sentAt, now).compareTo(TOO_SOON_AFTER_SENDING) < 0) {
            return true;
        }
        if (userAgent == null || userAgent.isBlank()) {
            return true;
        }
        String ua = userAgent.trim();
        if (ua.equals("Mozilla/5.0")) {
            return true; // Apple Mail Privacy Protection
        }
        String lower = ua.toLowerCase(Locale.ROOT);
        return lower.contains("bot") || lower.contains("crawler") || lower.contains("spider")
                || lower.contains("barracuda") || lower.contains("mimecast") || lower.contains("proofpoint")
                || lower.contains("safelinks");
    }
}
