package org.edm.domain.tracking;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Signs the (delivery token, target URL) pairs of click-tracking links, so the click endpoint redirects only to a
 * URL that was in the rendered e-mail of that delivery: no open redirect, and a link cannot be moved to another
 * delivery. The worker signs while rendering and the api verifies, so both must hold the same key.
 */
public final class LinkSigner {

    private static final String HMAC = "HmacSHA256";
    private final SecretKeySpec key;

    public LinkSigner(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("the tracking key must have at least 16 bytes");
        }
        this.key = new SecretKeySpec(key.clone(), HMAC);
    }

    /**
     * The tracking key: {@code trackingKey} (any string of at least 16 characters) when set, otherwise derived
     * from the credentials key (base64) as HMAC-SHA256(credentialsKey, "tracking"), so a deployment that only
     * sets {@code EDM_CREDENTIALS_KEY} still gets the same tracking key in api and worker.
     */
    public static LinkSigner fromEnvironment(String trackingKey, String credentialsKey) {
        if (trackingKey != null && !trackingKey.isBlank()) {
            return new LinkSigner(trackingKey.trim().getBytes(StandardCharsets.UTF_8));
        }
        if (credentialsKey == null || credentialsKey.isBlank()) {
            throw new IllegalStateException("neither EDM_TRACKING_KEY nor EDM_CREDENTIALS_KEY is set: "
                    + "click-tracking links cannot be signed");
        }
        return new LinkSigner(hmac(Base64.getDecoder().decode(credentialsKey.trim()),
                "tracking".getBytes(StandardCharsets.UTF_8)));
    }

    /** base64url (no padding) of HMAC-SHA256(key, token + "|" + url). */
    public String sign(String token, String url) {
        byte[] mac = hmac(key.getEncoded(), (token + "|" + url).getBytes(StandardCharsets.UTF_8));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    public boolean verify(String token, String url, String signature) {
        if (token == null || url == null || signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(token, url).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(HMAC);
            mac.init(new SecretKeySpec(key, HMAC));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    @Override
    public String toString() {
        return "LinkSigner[key hidden]";
    }
}
