package org.edm.api.security;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Bearer tokens: 32 random bytes, base64url. The database keeps only their SHA-256, so whoever reads the table
 * cannot sign in with it. A token is good until it expires, is revoked (sign-out, password reset, user disabled),
 * or its user is disabled; all of that is checked on every request in one indexed lookup.
 */
@Component
public class AuthTokens {

    private static final Pattern TOKEN_SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final JdbcTemplate jdbc;
    private final SecuritySettings settings;
    private final SecureRandom random = new SecureRandom();

    AuthTokens(JdbcTemplate jdbc, SecuritySettings settings) {
        this.jdbc = jdbc;
        this.settings = settings;
    }

    public record Issued(long id, String token, Instant expiresAt) {
    }

    /** A new session for the user; the token itself is returned once and never stored. */
    public Issued issue(long userId, String clientIp) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        Instant expiresAt = Instant.now().plus(settings.tokenLifetime());
        Long id = jdbc.queryForObject("insert into auth_tokens (user_id, token_hash, expires_at, client_ip) "
                + "values (?, ?, ?, ?) returning id", Long.class, userId, sha256(token), Timestamp.from(expiresAt),
                clientIp);
        // sessions long expired are removed by the worker's housekeeping workflow (edm.retention.expired-sign-ins)
        return new Issued(id, token, expiresAt);
    }

    /** The live session of this token: not expired, not revoked, its user enabled. Touches last_used_at. */
    Optional<BearerAuthentication> authenticate(String token) {
        if (token == null || !TOKEN_SHAPE.matcher(token).matches()) {
            return Optional.empty();
        }
        List<BearerAuthentication> found = jdbc.query("""
                with live as (
                    select t.id as token_id, u.id as user_id, u.username, u.role, t.last_used_at
                    from auth_tokens t join users u on u.id = t.user_id
                    where t.token_hash = ? and t.revoked_at is null and t.expires_at > now() and u.enabled),
                touched as (
                    update auth_tokens set last_used_at = now()
                    where id = (select token_id from live)
                      and (last_used_at is null or last_used_at < now() - interval '1 minute'))
                select token_id, user_id, username, role from live
                """, (rs, i) -> new BearerAuthentication(new EdmPrincipal(rs.getLong("user_id"),
                        rs.getString("username"), "ADMIN".equals(rs.getString("role"))), rs.getLong("token_id")),
                (Object) sha256(token));
        return found.stream().findFirst();
    }

    /** Ends one session (sign-out). */
    void revoke(long tokenId) {
        jdbc.update("update auth_tokens set revoked_at = now() where id = ? and revoked_at is null", tokenId);
    }

    /** Ends every session of a user (password reset, disabled). */
    public int revokeAllOf(long userId) {
        return jdbc.update("update auth_tokens set revoked_at = now() where user_id = ? and revoked_at is null",
                userId);
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
