package org.edm.activities.apisend;

import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;

import org.edm.domain.JdbcTransactions;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.QuotaShortfallException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The SQL of sending API messages. A claim is the set of messages one send activity took, named by the activity
 * execution ({@code workflowId/runId/activityId}, the same across its retries); every write to a claimed message
 * is conditional on the claim, so a stale worker can never act on a message that is no longer its own.
 *
 * <p>Statements on given messages (the attempt marks, the outcomes, the undo) find them by primary key only: their
 * claim check is written {@code claim_token IS NOT DISTINCT FROM :claim}, the same as {@code =} here (a claimed
 * message's token is never null) but not something the claim index can serve. With {@code =}, PostgreSQL chose the
 * claim index whenever its statistics predated the claim (a new token is estimated at about one row) and read every
 * message the activity had claimed so far to mark or record ten: ~660 and ~1,070 buffers per group (attempt mark,
 * outcome) in the API send benchmark, growing through each activity's 20 s of claiming (so the further the worker
 * fell behind, the more each group cost); by primary key ~180 and ~530, and PostgreSQL's CPU per message fell from
 * 1.23-1.51 to 0.96-1.09 ms. The campaign lanes' claim checks are written the same way for the same reason
 * (DeliveryClaims).
 */
@Component
public class ApiMessages {

    static final String UNKNOWN_OUTCOME = "outcome unknown: the provider was called but no result was recorded";

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final QuotaLedger ledger;
    /** Stateless, on the same JdbcTemplate: a failure's webhook event commits with the message's outcome. */
    private final OutgoingEvents outgoing;

    /** Plain JDBC transactions (see {@link JdbcTransactions}): the send path touches no JPA entity. */
    @org.springframework.beans.factory.annotation.Autowired
    public ApiMessages(NamedParameterJdbcTemplate jdbc, JdbcTransactions transactions, QuotaLedger ledger) {
        this(jdbc, transactions.template(), ledger);
    }

    public ApiMessages(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, QuotaLedger ledger) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.ledger = ledger;
        this.outgoing = new OutgoingEvents(jdbc);
    }

    /**
     * A claimed message with what sending it needs (the body stays in the database until now); {@code mailboxId} 0
     * when its mailbox was removed since.
     */
    public record Claimed(long id, String publicId, long ownerId, long mailboxId, Long campaignId, String from,
                          String to, String subject, String html, String text, String headersJson, String token,
                          int attempts) {
        @Override
        public String toString() {
            return "ApiMessage[" + publicId + "]";
        }
    }

    /**
     * The sender mailbox's SMTP login and its domain's DKIM key, both sealed (INV-6); {@code usable} when it is
     * NORMAL and still the owner's. {@code dkimSelector} and {@code dkimPrivateCiphertext} null: sent unsigned.
     */
    public record Mailbox(long id, String address, String smtpUsername, byte[] secretCiphertext, boolean usable,
                          String domain, String dkimSelector, byte[] dkimPrivateCiphertext) {
        @Override
        public String toString() {
            return "Mailbox[" + id + "]";
        }
    }

    public enum Attempt { GO, NO_QUOTA, NOT_MINE }

    /** Takes up to {@code max} queued messages that are due, oldest first; a retry of the same claim takes none. */
    public int claim(String claim, int max) {
        return jdbc.update("""
                UPDATE api_messages m
                   SET status = 'SENDING', claim_token = :claim, claimed_at = now(), attempts = attempts + 1,
                       updated_at = now()
                 WHERE m.id IN (SELECT id FROM api_messages
                                 WHERE status = 'QUEUED' AND not_before <= now()
                                 ORDER BY not_before, id
                                 LIMIT :max
                                   FOR UPDATE SKIP LOCKED)
                """, new MapSqlParameterSource().addValue("claim", claim).addValue("max", max));
    }

    /**
     * Whether an earlier attempt of this claim took messages (in any state since). Answered from the claim index
     * (V115: it covers every claimed row, not only SENDING ones), not by a scan of the whole table.
     */
    public boolean hasClaim(String claim) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM api_messages WHERE claim_token = :claim)", Map.of("claim", claim),
                Boolean.class));
    }

    public boolean moreDue() {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM api_messages WHERE status = 'QUEUED' AND not_before <= now())
                """, Map.of(), Boolean.class));
    }

    /** INV-3: messages of this claim whose provider call began but whose outcome was never recorded. */
    public int markInterruptedAsUnknown(String claim) {
        return jdbc.update("""
                WITH settled AS (
                    UPDATE api_messages SET status = 'UNKNOWN', error = :error, updated_at = now()
                     WHERE claim_token = :claim AND status = 'SENDING' AND attempted_at IS NOT NULL
                 RETURNING id, campaign_id)
                INSERT INTO event_log (message_id, campaign_id, type, details)
                SELECT id, campaign_id, 'SEND_FAIL', '{"outcome":"unknown"}'::jsonb FROM settled
                """, Map.of("claim", claim, "error", UNKNOWN_OUTCOME));
    }

    /**
     * Claims of send activities that are gone for good (retries exhausted, workflow terminated): what they
     * attempted is UNKNOWN, what they never attempted is queued again.
     */
    public int settleStaleClaims(Duration after) {
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("seconds", after.toSeconds()).addValue("error", UNKNOWN_OUTCOME);
        int unknown = jdbc.update("""
                UPDATE api_messages SET status = 'UNKNOWN', error = :error, updated_at = now()
                 WHERE status = 'SENDING' AND attempted_at IS NOT NULL
                   AND claimed_at < now() - make_interval(secs => :seconds)
                """, params);
        int requeued = jdbc.update("""
                UPDATE api_messages SET status = 'QUEUED', claim_token = NULL, claimed_at = NULL, updated_at = now()
                 WHERE status = 'SENDING' AND attempted_at IS NULL
                   AND claimed_at < now() - make_interval(secs => :seconds)
                """, params);
        return unknown + requeued;
    }

    public List<Claimed> unattempted(String claim) {
        return jdbc.query("""
                SELECT id, public_id, owner_id, mailbox_id, campaign_id, from_address, to_address, subject,
                       html_body, text_body, headers::text AS headers, token, attempts
                  FROM api_messages
                 WHERE claim_token = :claim AND status = 'SENDING' AND attempted_at IS NULL
                 ORDER BY id
                """, Map.of("claim", claim), (rs, i) -> new Claimed(rs.getLong("id"), rs.getString("public_id"),
                rs.getLong("owner_id"), rs.getLong("mailbox_id"), (Long) rs.getObject("campaign_id"),
                rs.getString("from_address"), rs.getString("to_address"), rs.getString("subject"),
                rs.getString("html_body"), rs.getString("text_body"), rs.getString("headers"), rs.getString("token"),
                rs.getInt("attempts")));
    }

    /** Read with plain SQL: sender mailboxes belong to the domains feature; a usable one is NORMAL and the owner's. */
    public Optional<Mailbox> mailbox(long mailboxId, long ownerId) {
        return jdbc.query("""
                SELECT m.id, m.address, m.smtp_username, m.secret_ciphertext,
                       (m.status = 'NORMAL' AND m.owner_id = :owner AND m.smtp_username IS NOT NULL
                        AND m.secret_ciphertext IS NOT NULL) AS usable,
                       d.name AS domain, d.dkim_selector, d.dkim_private_ciphertext
                  FROM sender_mailboxes m LEFT JOIN sending_domains d ON d.id = m.domain_id
                 WHERE m.id = :id
                """, Map.of("id", mailboxId, "owner", ownerId), (rs, i) -> new Mailbox(rs.getLong("id"),
                rs.getString("address"), rs.getString("smtp_username"), rs.getBytes("secret_ciphertext"),
                rs.getBoolean("usable"), rs.getString("domain"), rs.getString("dkim_selector"),
                rs.getBytes("dkim_private_ciphertext"))).stream().findFirst();
    }

    /**
     * The point of no return, committed before the provider is called: the message is marked attempted and its
     * owner's quota unit is taken through the ledger, in one transaction. No unit left: the message ends FAILED,
     * uncharged, and is not sent.
     */
    public Attempt attempt(Claimed message, String claim) {
        return tx.execute(status -> {
            int marked = jdbc.update(ATTEMPT, Map.of("id", message.id(), "claim", claim));
            if (marked == 0) {
                return Attempt.NOT_MINE;
            }
            try {
                ledger.debit(message.ownerId(), 1, QuotaLedger.API_SEND, message.publicId(), null, null);
            } catch (QuotaShortfallException noUnitLeft) {
                status.setRollbackOnly();
                return Attempt.NO_QUOTA;
            }
            return Attempt.GO;
        });
    }

    static final String ATTEMPT = """
            UPDATE api_messages SET attempted_at = now(), charged = TRUE, updated_at = now()
             WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING' AND attempted_at IS NULL
            """;

    /**
     * {@link #attempt} for a group, in one transaction: every message of the group is marked attempted in one
     * statement and its owner's units are taken through the ledger in one row per owner (reason API_SEND, the first
     * message's public id as reference). The whole group passes the point of no return together, so a worker killed
     * before the outcomes are recorded leaves at most this group UNKNOWN (the in-flight group is that bound).
     * Returns the ids marked (the others are no longer this claim's to send); empty, with nothing written, when an
     * owner's balance cannot cover the group (the caller then takes the messages one at a time).
     */
    public Optional<java.util.Set<Long>> attemptGroup(List<Claimed> group, String claim) {
        if (group.isEmpty()) {
            return Optional.of(java.util.Set.of());
        }
        return tx.execute(status -> {
            List<Long> marked = jdbc.queryForList(ATTEMPT_GROUP, new MapSqlParameterSource()
                    .addValue("ids", group.stream().map(Claimed::id).toArray(Long[]::new))
                    .addValue("claim", claim), Long.class);
            // one ledger row per owner (a claim may hold several users' messages), in a fixed order against deadlocks
            java.util.Set<Long> mine = new java.util.HashSet<>(marked);
            Map<Long, List<Claimed>> byOwner = new java.util.TreeMap<>();
            for (Claimed m : group) {
                if (mine.contains(m.id())) {
                    byOwner.computeIfAbsent(m.ownerId(), o -> new java.util.ArrayList<>()).add(m);
                }
            }
            try {
                for (Map.Entry<Long, List<Claimed>> owner : byOwner.entrySet()) {
                    List<Claimed> messages = owner.getValue();
                    ledger.debit(owner.getKey(), messages.size(), QuotaLedger.API_SEND, messages.get(0).publicId(),
                            null, messages.size() == 1 ? null : messages.size() + " API messages sent as one group");
                }
            } catch (QuotaShortfallException notForAll) {
                status.setRollbackOnly();
                return Optional.<java.util.Set<Long>>empty();
            }
            return Optional.<java.util.Set<Long>>of(mine);
        });
    }

    static final String ATTEMPT_GROUP = """
            UPDATE api_messages SET attempted_at = now(), charged = TRUE, updated_at = now()
             WHERE id = ANY(CAST(:ids AS bigint[])) AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING'
               AND attempted_at IS NULL
            RETURNING id
            """;

    /**
     * The part of an attempted group that was certainly never handed to the provider (the send stopped before it):
     * the attempt mark and the units are undone together, so the retry of the claim sends these messages (and
     * charges them) again instead of settling them UNKNOWN.
     */
    public void unattempt(List<Claimed> notHandedOver, String claim) {
        if (notHandedOver.isEmpty()) {
            return;
        }
        tx.executeWithoutResult(status -> {
            List<Map<String, Object>> undone = jdbc.queryForList(UNATTEMPT, new MapSqlParameterSource()
                    .addValue("ids", notHandedOver.stream().map(Claimed::id).toArray(Long[]::new))
                    .addValue("claim", claim));
            Map<Long, List<String>> byOwner = new java.util.TreeMap<>();
            for (Map<String, Object> row : undone) {
                byOwner.computeIfAbsent(((Number) row.get("owner_id")).longValue(), o -> new java.util.ArrayList<>())
                        .add((String) row.get("public_id"));
            }
            byOwner.forEach((owner, ids) -> ledger.credit(owner, ids.size(), QuotaLedger.API_SEND_REFUND, ids.get(0),
                    null, "the send stopped before these " + ids.size() + " message(s) were handed over"));
        });
    }

    static final String UNATTEMPT = """
            UPDATE api_messages SET attempted_at = NULL, charged = FALSE, updated_at = now()
             WHERE id = ANY(CAST(:ids AS bigint[])) AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING'
               AND charged
            RETURNING owner_id, public_id
            """;

    /** A message the provider took: its SMTP Message-ID and the provider's id. */
    public record Sent(Claimed message, String messageId, String providerMessageId) {
    }

    /** {@link #recordSent(Claimed, String, String, String)} for a group's accepted messages, in one statement. */
    public void recordSent(List<Sent> sent, String claim) {
        if (sent.isEmpty()) {
            return;
        }
        jdbc.update(RECORD_SENT, new MapSqlParameterSource()
                .addValue("ids", sent.stream().map(s -> s.message().id()).toArray(Long[]::new))
                .addValue("messageIds", sent.stream().map(s -> truncate(s.messageId(), 255)).toArray(String[]::new))
                .addValue("providerIds", sent.stream().map(s -> truncate(s.providerMessageId(), 255))
                        .toArray(String[]::new))
                .addValue("claim", claim));
    }

    static final String RECORD_SENT = """
            WITH settled AS (
                UPDATE api_messages m
                   SET status = 'SENT', error = NULL, updated_at = now(), sent_at = now(),
                       message_id = v.message_id,
                       provider_message_id = coalesce(v.provider_message_id, m.provider_message_id)
                  FROM unnest(CAST(:ids AS bigint[]), CAST(:messageIds AS text[]),
                              CAST(:providerIds AS text[])) AS v(id, message_id, provider_message_id)
                 WHERE m.id = v.id AND m.claim_token IS NOT DISTINCT FROM :claim AND m.status = 'SENDING'
             RETURNING m.id, m.campaign_id)
            INSERT INTO event_log (message_id, campaign_id, type, details)
            SELECT id, campaign_id, 'SEND_SUCCESS', '{"outcome":"sent"}'::jsonb FROM settled
            """;

    public void recordSent(Claimed message, String claim, String messageId, String providerMessageId) {
        settle(message, claim, "SENT", null, messageId, providerMessageId, "SEND_SUCCESS");
    }

    /** Refused for good by the provider (charged: it was attempted), or never sendable (uncharged). */
    public void recordFailed(Claimed message, String claim, String error) {
        settle(message, claim, "FAILED", error, null, null, "SEND_FAIL");
    }

    public void recordUnknown(Claimed message, String claim, String error) {
        settle(message, claim, "UNKNOWN", error, null, null, "SEND_FAIL");
    }

    private void settle(Claimed message, String claim, String status, String error, String messageId,
                        String providerMessageId, String eventType) {
        if (!status.equals("FAILED")) {
            // the hot path stays one statement, without a transaction of its own
            settleRow(message, claim, status, error, messageId, providerMessageId, eventType);
            return;
        }
        tx.executeWithoutResult(s -> {
            if (settleRow(message, claim, status, error, messageId, providerMessageId, eventType) == 1) {
                publishFailed(message);
            }
        });
    }

    private int settleRow(Claimed message, String claim, String status, String error, String messageId,
                          String providerMessageId, String eventType) {
        return jdbc.update(SETTLE, new MapSqlParameterSource()
                .addValue("id", message.id())
                .addValue("claim", claim)
                .addValue("status", status)
                .addValue("error", truncate(error, 1000))
                .addValue("messageId", messageId)
                .addValue("providerMessageId", providerMessageId)
                .addValue("eventType", eventType)
                .addValue("details", "{\"outcome\":\"" + status.toLowerCase(java.util.Locale.ROOT) + "\"}"));
    }

    static final String SETTLE = """
            WITH settled AS (
                UPDATE api_messages
                   SET status = :status, error = :error, updated_at = now(),
                       sent_at = CASE WHEN :status = 'SENT' THEN now() END,
                       message_id = coalesce(:messageId, message_id),
                       provider_message_id = coalesce(:providerMessageId, provider_message_id)
                 WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING'
             RETURNING id, campaign_id)
            INSERT INTO event_log (message_id, campaign_id, type, details)
            SELECT id, campaign_id, :eventType, CAST(:details AS jsonb) FROM settled
            """;

    /** {@code message.failed} for the owner's webhooks: the message's public id, never its recipient or error. */
    private void publishFailed(Claimed message) {
        Map<String, Object> data = new java.util.LinkedHashMap<>();
        data.put("api_message_id", message.publicId());
        data.put("campaign_id", message.campaignId());
        outgoing.publish(message.ownerId(), WebhookEventType.MESSAGE_FAILED, data);
    }

    /**
     * The provider certainly did not take it (cannot connect or log in, 421): the attempt mark and the quota unit
     * are undone together, and the message is queued again after a backoff, or ends FAILED (uncharged) after
     * {@code maxAttempts} claims.
     */
    public void requeueNotSent(Claimed message, String claim, String error, int maxAttempts) {
        tx.executeWithoutResult(status -> {
            int undone = jdbc.update(REQUEUE_NOT_SENT, new MapSqlParameterSource()
                    .addValue("id", message.id()).addValue("claim", claim)
                    .addValue("error", truncate(error, 1000)).addValue("max", maxAttempts));
            if (undone == 1 && Boolean.TRUE.equals(jdbc.queryForObject(
                    "SELECT status = 'FAILED' FROM api_messages WHERE id = :id",
                    new MapSqlParameterSource("id", message.id()), Boolean.class))) {
                publishFailed(message);
            }
            if (undone == 1) {
                ledger.credit(message.ownerId(), 1, QuotaLedger.API_SEND_REFUND, message.publicId(), null,
                        "the provider did not take the message");
            }
        });
    }

    static final String REQUEUE_NOT_SENT = """
            UPDATE api_messages
               SET attempted_at = NULL, charged = FALSE, error = :error, updated_at = now(),
                   status = CASE WHEN attempts >= :max THEN 'FAILED' ELSE 'QUEUED' END,
                   claim_token = CASE WHEN attempts >= :max THEN claim_token END,
                   not_before = now() + make_interval(secs => least(300, 5 * power(2, attempts - 1)))
             WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING' AND charged
            """;

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }
}
