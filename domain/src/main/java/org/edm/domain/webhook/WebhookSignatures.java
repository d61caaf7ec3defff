package org.edm.domain.webhook;

import org.edm.domain.crypto.Hmac;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Standard Webhooks signing (https://www.standardwebhooks.com): the secret is {@code whsec_} + base64 of 32 random
 * bytes; the signature is {@code v1,} + base64(HMAC-SHA256(decoded secret, "{webhook-id}.{webhook-timestamp}.{body}")).
 */
public final class WebhookSignatures {

    public static final String PREFIX = "whsec_";
    private static final SecureRandom RANDOM = new SecureRandom();

    private WebhookSignatures() {
    }

    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** The {@code webhook-signature} header value. */
    public static String sign(String secret, String messageId, long timestampSeconds, String body) {
        if (!secret.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a whsec_ secret");
        }
        byte[] key = Base64.getDecoder().decode(secret.substring(PREFIX.length()));
        byte[] digest = Hmac.sha256(key, messageId + "." + timestampSeconds + "." + body);
        return "v1," + Base64.getEncoder().encodeToString(digest);
    }
}
