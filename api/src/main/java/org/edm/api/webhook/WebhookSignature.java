package org.edm.api.webhook;

import org.edm.domain.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Our own shared-secret contract (not a provider's): the signature header is the hex HMAC-SHA256, under the webhook
 * secret, of the timestamp header followed by the raw body, and the timestamp is within the allowed skew of now (so
 * a captured call cannot be replayed later; an exact replay within the window is harmless, events are idempotent).
 * EngageLab accepts it besides its documented recipes; for Aliyun DirectMail it is the fallback for a relay we run
 * (e.g. one that drains an MNS queue) when the call carries no MNS signature.
 */
final class WebhookSignature {

    static final String TIMESTAMP = "X-Webhook-Timestamp";
    static final String SIGNATURE = "X-Webhook-Signature";

    enum Verdict { VALID, UNSIGNED, BAD_SIGNATURE, STALE }

    private WebhookSignature() {
    }

    static Verdict check(String secret, String timestamp, String signature, String body, Instant now,
                         Duration maxSkew) {
        if (secret == null || secret.isBlank() || timestamp == null || signature == null) {
            return Verdict.UNSIGNED;
        }
        byte[] expected = sign(secret, timestamp.trim(), body).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.trim().toLowerCase(Locale.ROOT)
                .getBytes(StandardCharsets.UTF_8))) {
            return Verdict.BAD_SIGNATURE;
        }
        Instant sent = ProviderEvent.epoch(timestamp);
        return sent == null || Duration.between(sent, now).abs().compareTo(maxSkew) > 0 ? Verdict.STALE
                : Verdict.VALID;
    }

    static String sign(String secret, String timestamp, String body) {
        return hmacHex(secret, timestamp + (body == null ? "" : body));
    }

    static String hmacHex(String secret, String data) {
        return HexFormat.of().formatHex(Hmac.sha256(secret.getBytes(StandardCharsets.UTF_8), data));
    }
}
