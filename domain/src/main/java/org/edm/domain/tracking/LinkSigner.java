package org.edm.domain.tracking;

import org.edm.domain.crypto.Hmac;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signs the (delivery token, target URL) pairs of click-tracking links, so the click endpoint redirects only to a
 * URL that was in the rendered e-mail of that delivery: no open redirect, and a link cannot be moved to another
 * delivery. The worker signs while rendering and the api verifies, so both must hold the same key.
 */
public final class LinkSigner {

    private final byte[] key;

    public LinkSigner(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("the tracking key must have at least 16 bytes");
        }
        this.key = key.clone();
    }

    /**
     * The tracking key: {@code trackingKey} (any string of at least 16 characters) when set, otherwise derived
     * from the credentials key (base64) as HMAC-SHA256(credentialsKey, "tracking"), so a deployment that only
     * sets {@code EDM_CREDENTIALS_KEY} still gets the same tracking key in api and worker.
     */
    public static LinkSigner fromEnvironment(String trackingKey, String credentialsKey) {
        return new LinkSigner(Hmac.keyFromEnvironment(trackingKey, credentialsKey, "tracking", "EDM_TRACKING_KEY",
                "click-tracking links"));
    }

    /** base64url (no padding) of HMAC-SHA256(key, token + "|" + url). */
    public String sign(String token, String url) {
        byte[] mac = Hmac.sha256(key, token + "|" + url);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    public boolean verify(String token, String url, String signature) {
        if (token == null || url == null || signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(token, url).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "LinkSigner[key hidden]";
    }
}
