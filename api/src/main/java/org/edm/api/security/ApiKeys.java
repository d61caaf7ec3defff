package org.edm.api.security;

import jakarta.annotation.Nullable;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys (seed 004 step 12): {@code edm_live_} + 32 random bytes base64url. The secret is returned once, when
 * created; the table keeps its SHA-256 and its first {@value #PREFIX_LENGTH} characters (the prefix a list shows
 * so keys can be told apart). A key works while it is not revoked and its user is enabled and ACTIVE (a user still
 * PENDING_VERIFICATION cannot send); all of that is one indexed lookup per request. Revoking takes effect on the
 * next request: nothing is cached.
 */
@Component
public class ApiKeys {

    public static final String SECRET_PREFIX = "edm_live_";
    static final int PREFIX_LENGTH = 16;
    private static final Pattern KEY_SHAPE = Pattern.compile(SECRET_PREFIX + "[A-Za-z0-9_-]{43}");

    private final JdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final SecureRandom random = new SecureRandom();

    ApiKeys(JdbcTemplate jdbc, CurrentUser currentUser) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
    }

    /** A key as lists show it: never the secret. */
    public record ApiKeyView(long id, String name, String prefix, Instant createdAt, @Nullable Instant lastUsedAt,
                             @Nullable Instant revokedAt) {
    }

    /** The answer to a create: the view plus the secret, shown this once. */
    public record CreatedApiKey(long id, String name, String prefix, Instant createdAt, String secret) {
    }

    public CreatedApiKey create(String name) {
        String trimmed = name == null ? "" : name.trim();
        if (trimmed.isEmpty() || trimmed.length() > 100) {
            throw new InvalidInputException("name", "must be 1 to 100 characters");
        }
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        String secret = SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
        String prefix = secret.substring(0, PREFIX_LENGTH);
        return jdbc.queryForObject("""
                INSERT INTO api_keys (user_id, name, prefix, key_hash) VALUES (?, ?, ?, ?)
                RETURNING id, name, prefix, created_at
                """, (rs, i) -> new CreatedApiKey(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"),
                rs.getTimestamp("created_at").toInstant(), secret), currentUser.id(), trimmed, prefix, sha256(secret));
    }

    /** The caller's keys, newest first, revoked ones included (marked). */
    public List<ApiKeyView> list() {
        return jdbc.query("""
                SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
                 WHERE user_id = ? ORDER BY id DESC
                """, (rs, i) -> view(rs), currentUser.id());
    }

    public ApiKeyView get(long id) {
        return jdbc.query("""
                SELECT id, name, prefix, created_at, last_used_at, revoked_at FROM api_keys
                 WHERE id = ? AND user_id = ?
                """, (rs, i) -> view(rs), id, currentUser.id()).stream().findFirst()
                .orElseThrow(() -> NotFoundException.of("API key", id));
    }

    /** Revokes one of the caller's keys at once; another user's key is 404 (as if it did not exist). */
    public void revoke(long id) {
        int found = jdbc.update("""
                UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = ? AND user_id = ?
                """, id, currentUser.id());
        if (found == 0) {
            throw NotFoundException.of("API key", id);
        }
    }

    private static ApiKeyView view(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new ApiKeyView(rs.getLong("id"), rs.getString("name"), rs.getString("prefix"),
                rs.getTimestamp("created_at").toInstant(), instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")));
    }

    private static Instant instant(java.sql.Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    /** The live key: not revoked, its user enabled and ACTIVE. Touches last_used_at at most once a minute. */
    Optional<ApiKeyAuthentication> authenticate(String secret) {
        if (secret == null || !KEY_SHAPE.matcher(secret).matches()) {
            return Optional.empty();
        }
        return jdbc.query("""
                WITH live AS (
                    SELECT k.id AS key_id, u.id AS user_id, u.username, k.last_used_at
                      FROM api_keys k JOIN users u ON u.id = k.user_id
                     WHERE k.key_hash = ? AND k.revoked_at IS NULL AND u.enabled AND u.status = 'ACTIVE'),
                touched AS (
                    UPDATE api_keys SET last_used_at = now()
                     WHERE id = (SELECT key_id FROM live)
                       AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute'))
                SELECT key_id, user_id, username FROM live
                """, (rs, i) -> new ApiKeyAuthentication(new EdmPrincipal(rs.getLong("user_id"),
                        rs.getString("username"), false), rs.getLong("key_id")), (Object) sha256(secret))
                .stream().findFirst();
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
