package org.edm.activities.mailbox;

import org.edm.domain.crypto.Hmac;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Per-delivery return paths (VERP): the envelope sender of each SMTP message is
 * {@code bounce+<delivery token>-<signature>@<bounce domain>}, so a bounce comes back to an address that names its
 * delivery, and the signature (the first 10 bytes of HMAC-SHA256(key, "return-path|" + token), hex) makes such an
 * address impossible to make up for a delivery one never received. The mailbox reader accepts a bounce only when it
 * names one of our Message-IDs or a return path that verifies here; without that, anyone could mail a fake DSN and
 * suppress any address.
 *
 * <p>Hex only, lower case, no other punctuation: mail systems may change the case of a local part, and a local part
 * of 60 characters stays within the 64 RFC 5321 allows. With no bounce domain configured no return path is issued
 * (the envelope sender stays the From address, which some submission servers insist on), while addresses issued
 * earlier still verify. Verification accepts the current key and any previous ones, so keys can be rotated
 * without losing the bounces of mail already sent.
 */
public final class ReturnPaths {

    private static final String HMAC = "HmacSHA256";
    private static final int SIGNATURE_BYTES = 10;
    private static final Pattern ADDRESS = Pattern.compile(
            "bounce\\+([0-9a-f]{16,64})-([0-9a-f]{" + 2 * SIGNATURE_BYTES + "})@[^@\\s]+", Pattern.CASE_INSENSITIVE);

    private final String domain;
    private final List<SecretKeySpec> keys;

    /**
     * @param domain       the bounce domain, or null/blank to issue no return paths
     * @param key          the signing key (at least 16 bytes)
     * @param previousKeys keys that signed earlier return paths and still verify
     */
    public ReturnPaths(String domain, byte[] key, List<byte[]> previousKeys) {
        this.domain = domain == null || domain.isBlank() ? null : domain.trim().toLowerCase(Locale.ROOT);
        List<SecretKeySpec> all = new ArrayList<>();
        all.add(keyOf(key));
        previousKeys.forEach(k -> all.add(keyOf(k)));
        this.keys = List.copyOf(all);
    }

    /**
     * From the environment: {@code key} (any string of 16+ characters) when set, else derived from the credentials
     * key (base64) as HMAC-SHA256(credentialsKey, "return-path"), the way the tracking key is; {@code previousKeys}
     * is a comma-separated list of earlier keys.
     */
    public static ReturnPaths fromEnvironment(String domain, String key, String previousKeys, String credentialsKey) {
        byte[] current = Hmac.keyFromEnvironment(key, credentialsKey, "return-path", "EDM_BOUNCE_KEY",
                "return paths");
        List<byte[]> previous = new ArrayList<>();
        if (previousKeys != null) {
            for (String k : previousKeys.split(",")) {
                if (!k.isBlank()) {
                    previous.add(k.trim().getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        return new ReturnPaths(domain, current, previous);
    }

    /** The return path for the delivery with this token, or null when no bounce domain is configured. */
    public String forToken(String token) {
        if (domain == null || token == null) {
            return null;
        }
        String lower = token.toLowerCase(Locale.ROOT);
        return "bounce+" + lower + "-" + signature(keys.get(0), lower) + "@" + domain;
    }

    /** The delivery token of one of our return paths whose signature verifies, or null for any other address. */
    public String tokenOf(String address) {
        if (address == null) {
            return null;
        }
        Matcher m = ADDRESS.matcher(address.trim());
        if (!m.matches()) {
            return null;
        }
        String token = m.group(1).toLowerCase(Locale.ROOT);
        byte[] given = m.group(2).toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        for (SecretKeySpec key : keys) {
            if (MessageDigest.isEqual(signature(key, token).getBytes(StandardCharsets.US_ASCII), given)) {
                return token;
            }
        }
        return null;
    }

    private static String signature(SecretKeySpec key, String token) {
        byte[] mac = Hmac.sha256(key.getEncoded(), "return-path|" + token);
        return HexFormat.of().formatHex(mac, 0, SIGNATURE_BYTES);
    }

    private static SecretKeySpec keyOf(byte[] key) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("a return-path key must have at least 16 bytes");
        }
        return new SecretKeySpec(key.clone(), HMAC);
    }

    @Override
    public String toString() {
        return "ReturnPaths[domain=" + domain + ", keys hidden]";
    }
}
