package org.edm.domain.sending;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** A domain's DKIM key pair, made with the JDK (RSA 2048, the size receivers expect today). */
public final class DkimKeys {

    /**
     * @param publicKey  base64 of the X.509 SubjectPublicKeyInfo: the {@code p=} of the DKIM record
     * @param privateKey base64 of the PKCS#8 private key: seal it before it goes anywhere
     */
    public record Pair(String publicKey, String privateKey) {
        @Override
        public String toString() {
            return "DkimKeys.Pair[publicKey=" + publicKey + "]";
        }
    }

    private DkimKeys() {
    }

    public static Pair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            Base64.Encoder base64 = Base64.getEncoder();
            return new Pair(base64.encodeToString(pair.getPublic().getEncoded()),
                    base64.encodeToString(pair.getPrivate().getEncoded()));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no RSA", e);
        }
    }
}
