package org.edm.api.webhook;

import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;

/**
 * One body per provider signature. EngageLab signs the timestamp only, so without this a captured call could be
 * resent with forged events (a hard bounce suppresses the recipient for good) for as long as its timestamp is within
 * the window. Each accepted signature/timestamp pair is stored with the SHA-256 of its body (table
 * {@code webhook_signature_uses}); the same pair again is accepted only with the same body, which is what a provider
 * retry sends. The unique key decides a race between two bodies: the second insert waits for the first and loses.
 */
@Component
class WebhookReplays {

    private final JdbcTemplate jdbc;

    WebhookReplays(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Records this use of the pair; false when the pair was already used with another body. {@code window}: how far
     * a timestamp may be from now, so pairs first seen more than twice that long ago can no longer be accepted and
     * their rows go.
     */
    boolean firstUseOrRetry(String provider, String signature, String timestamp, byte[] bodySha256, Instant now,
                            Duration window) {
        jdbc.update("DELETE FROM webhook_signature_uses WHERE received_at < ?",
                Timestamp.from(now.minus(window.multipliedBy(2))));
        int inserted = jdbc.update("""
                INSERT INTO webhook_signature_uses (provider, signature, signed_at, body_sha256, received_at)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING""", provider, signature, timestamp, bodySha256,
                Timestamp.from(now));
        if (inserted == 1) {
            return true;
        }
        try {
            byte[] first = jdbc.queryForObject("""
                    SELECT body_sha256 FROM webhook_signature_uses
                     WHERE provider = ? AND signature = ? AND signed_at = ?""", byte[].class, provider, signature,
                    timestamp);
            return MessageDigest.isEqual(first, bodySha256);
        } catch (EmptyResultDataAccessException expiredMeanwhile) {
            return false;
        }
    }
}
