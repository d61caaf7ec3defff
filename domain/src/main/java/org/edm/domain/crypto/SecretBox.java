package org.edm.domain.crypto;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Encrypts provider credentials at rest with AES-256-GCM (INV-6). Keys come from the environment
 * ({@code EDM_CREDENTIALS_KEY}, base64 of 32 bytes) and are versioned: the ciphertext records which key
 * sealed it, so a new key can be introduced while old rows are still readable.
 *
 * <p>Ciphertext layout: {@code [key version:int][12-byte nonce][ciphertext+tag]}; the key version is also
 * authenticated as associated data.
 */
public final class SecretBox {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final Map<Integer, SecretKeySpec> keys;
    private final int currentVersion;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(Map<Integer, byte[]> keysByVersion, int currentVersion) {
        if (!keysByVersion.containsKey(currentVersion)) {
            throw new IllegalArgumentException("no key for current version " + currentVersion);
        }
        this.keys = keysByVersion.entrySet().stream().collect(java.util.stream.Collectors.toUnmodifiableMap(
                Map.Entry::getKey, e -> {
                    if (e.getValue().length != 32) {
                        throw new IllegalArgumentException("credentials key v" + e.getKey() + " must be 32 bytes");
                    }
                    return new SecretKeySpec(e.getValue(), "AES");
                }));
        this.currentVersion = currentVersion;
    }

    /** One key, version 1, from base64. */
    public static SecretBox fromBase64Key(String base64Key) {
        return new SecretBox(Map.of(1, Base64.getDecoder().decode(base64Key.trim())), 1);
    }

    public int currentVersion() {
        return currentVersion;
    }

    public byte[] seal(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(currentVersion), new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(ByteBuffer.allocate(4).putInt(currentVersion).array());
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(4 + NONCE_BYTES + sealed.length)
                    .putInt(currentVersion).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt credentials", e);
        }
    }

    public String open(byte[] ciphertext) {
        ByteBuffer buf = ByteBuffer.wrap(ciphertext);
        int version = buf.getInt();
        SecretKeySpec key = keys.get(version);
        if (key == null) {
            throw new IllegalStateException("credentials were sealed with unknown key version " + version);
        }
        byte[] nonce = new byte[NONCE_BYTES];
        buf.get(nonce);
        byte[] sealed = new byte[buf.remaining()];
        buf.get(sealed);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(ByteBuffer.allocate(4).putInt(version).array());
            return new String(cipher.doFinal(sealed), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt credentials (wrong key?)", e);
        }
    }

    @Override
    public String toString() {
        return "SecretBox[keyVersion=" + currentVersion + "]";
    }
}
