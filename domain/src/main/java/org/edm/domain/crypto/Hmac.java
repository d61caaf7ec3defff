package org.edm.domain.crypto;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * HMAC-SHA256 for every signature the system makes (tracking links, verification links, return paths, webhook
 * signatures), and the one rule by which api and worker derive such a key from the environment.
 */
public final class Hmac {

    private static final String ALGORITHM = "HmacSHA256";

    private Hmac() {
    }

    public static byte[] sha256(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(key, ALGORITHM));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    public static byte[] sha256(byte[] key, String data) {
        return sha256(key, data.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A signing key: {@code explicitKey} (any string) when set, otherwise HMAC-SHA256(base64-decoded
     * {@code credentialsKey}, {@code purpose}), so a deployment that sets only {@code EDM_CREDENTIALS_KEY} gets the
     * same key in api and worker, and a different one for each purpose.
     *
     * @param missing what cannot be signed, for the error when neither key is set (e.g. "click-tracking links")
     */
    public static byte[] keyFromEnvironment(String explicitKey, String credentialsKey, String purpose,
                                            String explicitVariable, String missing) {
        if (explicitKey != null && !explicitKey.isBlank()) {
            return explicitKey.trim().getBytes(StandardCharsets.UTF_8);
        }
        if (credentialsKey == null || credentialsKey.isBlank()) {
            throw new IllegalStateException("neither " + explicitVariable + " nor EDM_CREDENTIALS_KEY is set: "
                    + missing + " cannot be signed");
        }
        return sha256(Base64.getDecoder().decode(credentialsKey.trim()), purpose);
    }
}
