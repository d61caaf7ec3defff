package org.edm.domain.testing;

import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.util.Base64;

/**
 * A DKIM private key in the form the domains feature stores it (base64 PKCS#8 RSA, then sealed by SecretBox), for
 * tests that insert sending domains directly. One 2048-bit key per JVM: generating it takes a moment.
 */
public final class DkimTestKeys {

    public static final String PRIVATE_KEY_BASE64;

    static {
        try {
            KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
            rsa.initialize(2048);
            PRIVATE_KEY_BASE64 = Base64.getEncoder().encodeToString(rsa.generateKeyPair().getPrivate().getEncoded());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private DkimTestKeys() {
    }
}
