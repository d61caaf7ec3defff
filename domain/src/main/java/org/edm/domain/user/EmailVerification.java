package org.edm.domain.user;

import org.edm.domain.crypto.Hmac;

import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;

/**
 * The e-mail verification of a self-registered user (seed 004 flow 1): the worker puts {@link #link} into the
 * verification mail, the api follows it with {@link #verify}, which turns {@code PENDING_VERIFICATION} into
 * {@code ACTIVE}. Both hold the same key, so nothing about the link is stored: the token is
 * {@code <userId>.<expiry epoch seconds>.<base64url HMAC-SHA256(key, "verify-email|userId|expiry|password hash")>}.
 * It names no address and carries no secret of the user; a second use is harmless, a changed digit breaks the
 * signature. The password hash is signed along (never shown) so that a link activates the account only with the
 * password it was mailed for: when a pending address is signed up for again, the new password replaces the old and
 * every earlier link dies — someone who registered a stranger's address first cannot have the owner activate an
 * account whose password the squatter knows by clicking an old link.
 */
public final class EmailVerification {

    static final String PURPOSE = "verify-email";

    private final JdbcTemplate jdbc;
    private final String publicBaseUrl;
    private final byte[] key;
    private final Duration lifetime;

    public EmailVerification(JdbcTemplate jdbc, String publicBaseUrl, byte[] key, Duration lifetime) {
        if (key == null || key.length < 16) {
            throw new IllegalArgumentException("the sign-up key must have at least 16 bytes");
        }
        this.jdbc = jdbc;
        this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        this.key = key.clone();
        this.lifetime = lifetime;
    }

    /**
     * The sign-up key: {@code signUpKey} (any string of at least 16 characters) when set, otherwise derived from the
     * credentials key (base64) as HMAC-SHA256(credentialsKey, "sign-up"), so api and worker agree with no extra
     * setting.
     */
    public static byte[] keyFromEnvironment(String signUpKey, String credentialsKey) {
        return Hmac.keyFromEnvironment(signUpKey, credentialsKey, "sign-up", "EDM_SIGN_UP_KEY",
                "e-mail verification links");
    }

    public Duration lifetime() {
        return lifetime;
    }

    /**
     * The link for the verification mail, valid for {@link #lifetime()} from {@code now} and for the user's current
     * password.
     *
     * @throws IllegalArgumentException when the user does not exist
     */
    public String link(long userId, Instant now) {
        long expiresAt = now.plus(lifetime).getEpochSecond();
        String hash = passwordHash(userId).orElseThrow(() -> new IllegalArgumentException(
                "user " + userId + " does not exist"));
        return publicBaseUrl + "/v1/auth/verify?token=" + userId + "." + expiresAt + "."
                + signature(userId, expiresAt, hash);
    }

    private java.util.Optional<String> passwordHash(long userId) {
        return jdbc.queryForList("SELECT coalesce(password_hash, '') FROM users WHERE id = ?", String.class, userId)
                .stream().findFirst();
    }

    /** What following a verification link did. */
    public record Verified(long userId, boolean alreadyVerified) {
    }

    /**
     * Activates the account the token names, once; a second use answers {@code alreadyVerified}.
     *
     * @throws InvalidVerificationTokenException for a malformed, forged or expired token, or one whose user is gone
     */
    public Verified verify(String token, Instant now) {
        String[] parts = token == null ? new String[0] : token.trim().split("\\.", -1);
        long userId;
        long expiresAt;
        try {
            if (parts.length != 3) {
                throw new NumberFormatException();
            }
            userId = Long.parseLong(parts[0]);
            expiresAt = Long.parseLong(parts[1]);
        } catch (NumberFormatException e) {
            throw new InvalidVerificationTokenException("this verification link is not valid");
        }
        String hash = passwordHash(userId).orElse(null);
        if (hash == null || !MessageDigest.isEqual(signature(userId, expiresAt, hash)
                .getBytes(StandardCharsets.US_ASCII), parts[2].getBytes(StandardCharsets.UTF_8))) {
            throw new InvalidVerificationTokenException("this verification link is not valid (a newer sign-up for "
                    + "the address replaces earlier links)");
        }
        if (now.getEpochSecond() >= expiresAt) {
            throw new InvalidVerificationTokenException("this verification link has expired; "
                    + "ask for a new one with POST /v1/auth/resend-verification");
        }
        // the password must still be the one the link was signed for, also against a sign-up that races this click
        int activated = jdbc.update("UPDATE users SET status = 'ACTIVE', email_verified_at = now(), updated_at = now() "
                + "WHERE id = ? AND status = 'PENDING_VERIFICATION' AND coalesce(password_hash, '') = ?", userId, hash);
        if (activated == 1) {
            return new Verified(userId, false);
        }
        List<String> status = jdbc.queryForList("SELECT status FROM users WHERE id = ?", String.class, userId);
        if (!status.contains("ACTIVE")) {
            throw new InvalidVerificationTokenException("this verification link is not valid");
        }
        return new Verified(userId, true);
    }

    private String signature(long userId, long expiresAt, String passwordHash) {
        byte[] mac = Hmac.sha256(key, PURPOSE + "|" + userId + "|" + expiresAt + "|" + passwordHash);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(mac);
    }

    @Override
    public String toString() {
        return "EmailVerification[key hidden]";
    }
}
