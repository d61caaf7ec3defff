package org.edm.api.webhook;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;

/**
 * A provider's call is genuine when its signature header is the hex HMAC-SHA256, under the webhook secret, of
 * the timestamp header followed by the raw body, and the timestamp is within {@link #MAX_SKEW} of now (so a
 * captured call cannot be replayed later; an exact replay within the window is harmless, events are idempotent).
 */
final class WebhookSignature {

    static final Duration MAX_SKEW = Duration.ofMinutes(5);

    enum Verdict { VALID, UNSIGNED, BAD_SIGNATURE, STALE }

    private WebhookSignature() {
    }

    static Verdict check(String secret, String timestamp, String signature, String body, Instant now) {
        if (secret == null || secret.isBlank() || timestamp == null || signature == null) {
            return Verdict.UNSIGNED;
        }
        byte[] expected = HexFormat.of().formatHex(hmac(secret, timestamp + body)).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().toLowerCase(java.util.Locale.ROOT)
                .getBytes(StandardCharsets.UTF_8))) {
            return Verdict.BAD_SIGNATURE;
        }
        Instant sent;
        try {
            long value = Long.parseLong(timestamp.trim());
            sent = value > 100_000_000_000L ? Instant.ofEpochMilli(value) : Instant.ofEpochSecond(value);
        } catch (NumberFormatException e) {
            return Verdict.STALE;
        }
        return Duration.between(sent, now).abs().compareTo(MAX_SKEW) > 0 ? Verdict.STALE : Verdict.VALID;
    }

    static String sign(String secret, String timestamp, String body) {
        return HexFormat.of().formatHex(hmac(secret, timestamp + body));
    }

    private static byte[] hmac(String secret, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
