package org.edm.activities.housekeeping;

import org.edm.activities.testing.ActivitiesHarness;
import org.edm.workflows.housekeeping.HousekeepingRound;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Retention over a real PostgreSQL: what is past it goes, what is not (or still needed) stays. */
class HousekeepingActivitiesTests {

    static ActivitiesHarness harness;

    @BeforeAll
    static void start() {
        harness = new ActivitiesHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    private static JdbcTemplate jdbc() {
        return harness.fixtures.jdbc();
    }

    private long webhookDelivery(long endpoint, String status, int daysOld) {
        return jdbc().queryForObject("""
                INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, body, status, created_at)
                VALUES (?, 'msg_' || nextval('webhook_deliveries_id_seq'), 'task.finished', '{}', ?,
                        now() - make_interval(days => ?)) RETURNING id""", Long.class, endpoint, status, daysOld);
    }

    private long message(long owner, String status, int daysOld) {
        return jdbc().queryForObject("""
                INSERT INTO api_messages (public_id, request_id, owner_id, from_address, to_address, subject, html_body,
                                          text_body, headers, token, status, created_at)
                VALUES ('msg_h' || nextval('api_messages_id_seq'), 'req', ?, 'a@x.example.com', 'b@example.com', 's',
                        '<p>secret reset link</p>', 'secret reset link', '{"X-Ref": "42"}', 'tok' || random(), ?,
                        now() - make_interval(days => ?)) RETURNING id""", Long.class, owner, status, daysOld);
    }

    @Test
    void aSweepRemovesWhatIsPastItsRetentionInBatchesAndKeepsWhatIsStillNeeded() {
        long owner = harness.fixtures.user("housekeeping-" + System.nanoTime());
        long endpoint = jdbc().queryForObject("""
                INSERT INTO webhook_endpoints (owner_id, url, event_types, enabled, secret_ciphertext)
                VALUES (?, 'https://hooks.example.com/h', '{task.finished}', true, ?) RETURNING id""", Long.class,
                owner, harness.secrets.seal("whsec_x"));
        long oldDelivered = webhookDelivery(endpoint, "DELIVERED", 40);
        long oldFailed = webhookDelivery(endpoint, "FAILED", 31);
        long oldPending = webhookDelivery(endpoint, "PENDING", 40);
        long recent = webhookDelivery(endpoint, "DELIVERED", 2);
        long oldSent = message(owner, "SENT", 45);
        long oldQueued = message(owner, "QUEUED", 45);
        long recentSent = message(owner, "SENT", 1);
        long expiredLongAgo = jdbc().queryForObject("""
                INSERT INTO auth_tokens (user_id, token_hash, expires_at) VALUES (?, sha256(random()::text::bytea),
                now() - interval '31 days') RETURNING id""", Long.class, owner);
        long expiredYesterday = jdbc().queryForObject("""
                INSERT INTO auth_tokens (user_id, token_hash, expires_at) VALUES (?, sha256(random()::text::bytea),
                now() - interval '1 day') RETURNING id""", Long.class, owner);

        // a batch of 1 (two statements for the two old deliveries) shows the sweep goes on until nothing is left
        var sweep = new HousekeepingActivitiesImpl(harness.jdbc, new RetentionProperties(true, 3600,
                Duration.ofDays(30), Duration.ofDays(30), Duration.ofDays(30), 1, 100), Clock.systemUTC());
        HousekeepingRound removed = sweep.sweepExpiredData();

        assertThat(removed.webhookDeliveries()).isEqualTo(2);
        assertThat(jdbc().queryForList("SELECT id FROM webhook_deliveries WHERE endpoint_id = ?", Long.class, endpoint))
                .containsExactlyInAnyOrder(oldPending, recent).doesNotContain(oldDelivered, oldFailed);

        assertThat(removed.messageContents()).isEqualTo(1);
        Map<String, Object> cleared = jdbc().queryForMap(
                "SELECT html_body, text_body, headers::text AS headers, status, to_address FROM api_messages WHERE id = ?",
                oldSent);
        assertThat(cleared).containsEntry("html_body", "").containsEntry("headers", "{}")
                .containsEntry("status", "SENT").containsEntry("to_address", "b@example.com");
        assertThat(cleared.get("text_body")).isNull();
        for (long kept : new long[]{oldQueued, recentSent}) {
            assertThat(jdbc().queryForObject("SELECT html_body FROM api_messages WHERE id = ?", String.class, kept))
                    .as("a queued message still has to be sent; a recent one is within retention")
                    .isEqualTo("<p>secret reset link</p>");
        }

        assertThat(removed.authTokens()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc().queryForList("SELECT id FROM auth_tokens WHERE user_id = ?", Long.class, owner))
                .containsExactly(expiredYesterday).doesNotContain(expiredLongAgo);

        assertThat(sweep.sweepExpiredData().total()).as("a second sweep finds nothing left").isZero();
    }

    @Test
    void maxBatchesBoundsOneSweepAndTheNextTakesTheRest() {
        long owner = harness.fixtures.user("housekeeping-max-" + System.nanoTime());
        for (int i = 0; i < 5; i++) {
            message(owner, "FAILED", 60);
        }
        var sweep = new HousekeepingActivitiesImpl(harness.jdbc, new RetentionProperties(true, 3600,
                Duration.ofDays(30), Duration.ofDays(30), Duration.ofDays(30), 2, 2), Clock.systemUTC());
        assertThat(sweep.sweepExpiredData().messageContents()).isEqualTo(4);
        assertThat(sweep.sweepExpiredData().messageContents()).isEqualTo(1);
    }
}
