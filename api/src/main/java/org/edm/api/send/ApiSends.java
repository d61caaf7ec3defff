package org.edm.api.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.Addresses;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.IdempotencyConflictException;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.PaymentRequiredException;
import org.edm.domain.JdbcTransactions;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Array;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * POST /api/v1/send (seed 004 flow 2). The api only validates and records intent: one {@code api_messages} row per
 * recipient (QUEUED) and the Idempotency-Key's answer, in one transaction; the worker's {@code api-send} dispatcher
 * sends. No provider, DNS or Temporal call stands between the request and its 202 (the dispatcher is nudged after
 * the commit, off the request thread).
 *
 * <p>Checks, in the seed's order: the API key (the security filter: 401), quota (402 when the balance is below the
 * number of recipients), {@code from} (400 unless it is one of the caller's NORMAL sender mailboxes), then every
 * other field (400 naming each). Quota is not reserved here: the worker takes one unit per recipient when it hands
 * the mail to the provider, so a burst of concurrent requests may be accepted beyond the balance; the messages the
 * balance cannot cover then end FAILED ("no quota left"), uncharged and unsent.
 */
@Component
class ApiSends {

    static final int MAX_RECIPIENTS = 50;
    static final int MAX_BODY_CHARS = 512 * 1024;
    static final int MAX_SUBJECT_CHARS = 998;
    static final int MAX_HEADERS = 20;
    static final int MAX_TAGS = 10;
    static final int MAX_IDEMPOTENCY_KEY = 255;
    private static final Pattern CAMPAIGN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{0,63}");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    /** Headers the send path writes itself; a caller's value would forge or break them. */
    private static final Set<String> RESERVED_HEADERS = Set.of("from", "to", "cc", "bcc", "subject", "date",
            "message-id", "mime-version", "sender", "return-path", "received", "dkim-signature",
            "content-type", "content-transfer-encoding");

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final CurrentUser currentUser;
    private final ObjectMapper json;
    private final ApiSendSignal signal;
    private final SecureRandom random = new SecureRandom();
    private static final int CLEAN_UP_EVERY = 1000;
    private final java.util.concurrent.atomic.AtomicInteger keysSinceCleanUp = new java.util.concurrent.atomic.AtomicInteger();

    ApiSends(NamedParameterJdbcTemplate jdbc, JdbcTransactions transactions, CurrentUser currentUser,
             ObjectMapper json, ApiSendSignal signal) {
        this.jdbc = jdbc;
        // plain JDBC transactions: this hot path touches no JPA entity (see JdbcTransactions)
        this.tx = transactions.template();
        this.currentUser = currentUser;
        this.json = json;
        this.signal = signal;
    }

    /** The 202's body: {@code id} is the message to the first recipient; {@code messages} has one per recipient. */
    record Accepted(String id, String status, List<Recipient> messages) {
    }

    record Recipient(String id, String to) {
    }

    /** The answer and whether it is a replay of an earlier request with the same Idempotency-Key. */
    record Outcome(Accepted accepted, boolean replayed) {
    }

    Outcome send(SendRequest request, String idempotencyKey) {
        long userId = currentUser.id();
        byte[] requestHash = null;
        if (idempotencyKey != null) {
            if (idempotencyKey.isBlank() || idempotencyKey.length() > MAX_IDEMPOTENCY_KEY) {
                throw new InvalidInputException("Idempotency-Key", "must be 1 to " + MAX_IDEMPOTENCY_KEY
                        + " characters");
            }
            requestHash = hash(request);
            Optional<Outcome> earlier = earlierAnswer(userId, idempotencyKey, requestHash);
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        int recipients = request.to() == null ? 1 : Math.max(1, request.to().size());
        List<FieldProblem> problems = problems(request);
        if (idempotencyKey == null && problems.isEmpty() && request.from() != null) {
            Optional<Outcome> done = sendInOneStatement(userId, request, recipients);
            if (done.isPresent()) {
                signal.messagesQueued();
                return done.get();
            }
            // a campaign id not seen before: the general path below creates the campaign
        }
        // balance and mailbox in one round trip, judged in the seed's order
        BalanceAndMailbox found = balanceAndMailbox(userId, request.from());
        if (found.balance() < recipients) {
            throw new PaymentRequiredException(recipients, found.balance());
        }
        Mailbox mailbox = found.mailbox().orElseThrow(() -> notAMailbox(request.from()));
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }

        List<Recipient> messages = new ArrayList<>();
        for (String to : request.to()) {
            messages.add(new Recipient(publicId("msg_"), to.trim()));
        }
        Accepted accepted = new Accepted(messages.get(0).id(), "queued", messages);
        String requestId = publicId("req_");
        byte[] hashToStore = requestHash;
        Optional<Outcome> raced = tx.execute(status -> {
            if (idempotencyKey != null && !claimIdempotencyKey(userId, idempotencyKey, hashToStore, accepted)) {
                // the same key committed by a concurrent request: its answer is the answer
                status.setRollbackOnly();
                return Optional.of(Boolean.TRUE);
            }
            Long campaignId = request.campaignId() == null ? null : campaign(userId, request.campaignId());
            insert(userId, requestId, mailbox, campaignId, request, messages);
            return Optional.<Boolean>empty();
        }).map(conflict -> earlierAnswer(userId, idempotencyKey, hashToStore)
                .orElseThrow(() -> new IllegalStateException("idempotency key vanished")));
        if (raced.isPresent()) {
            return raced.get();
        }
        if (idempotencyKey != null && keysSinceCleanUp.incrementAndGet() % CLEAN_UP_EVERY == 0) {
            // keys are answered for 24 h only; past that they are dead weight
            jdbc.update("DELETE FROM api_idempotency_keys WHERE created_at < now() - interval '24 hours'", Map.of());
        }
        signal.messagesQueued();
        return new Outcome(accepted, false);
    }

    // ---- idempotency

    private Optional<Outcome> earlierAnswer(long userId, String key, byte[] requestHash) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT request_hash, response::text AS response FROM api_idempotency_keys
                 WHERE user_id = :user AND key = :key AND created_at > now() - interval '24 hours'
                """, Map.of("user", userId, "key", key));
        if (rows.isEmpty()) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual((byte[]) rows.get(0).get("request_hash"), requestHash)) {
            throw new IdempotencyConflictException("this Idempotency-Key was used in the last 24 hours with a "
                    + "different request body; use a new key for a different request");
        }
        try {
            return Optional.of(new Outcome(json.readValue((String) rows.get(0).get("response"), Accepted.class),
                    true));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored idempotent answer is unreadable", e);
        }
    }

    /** False when another request holds the key (still fresh); an expired holder is replaced. */
    private boolean claimIdempotencyKey(long userId, String key, byte[] requestHash, Accepted accepted) {
        String response;
        try {
            response = json.writeValueAsString(accepted);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return jdbc.update("""
                INSERT INTO api_idempotency_keys (user_id, key, request_hash, response)
                VALUES (:user, :key, :hash, CAST(:response AS jsonb))
                ON CONFLICT (user_id, key) DO UPDATE
                   SET request_hash = EXCLUDED.request_hash, response = EXCLUDED.response, created_at = now()
                 WHERE api_idempotency_keys.created_at <= now() - interval '24 hours'
                """, new MapSqlParameterSource().addValue("user", userId).addValue("key", key)
                .addValue("hash", requestHash).addValue("response", response)) == 1;
    }

    private byte[] hash(SendRequest request) {
        try {
            // the parsed request re-serialised: the same request in other whitespace or key order is the same
            return MessageDigest.getInstance("SHA-256").digest(json.writeValueAsBytes(request));
        } catch (JsonProcessingException | NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- checks

    private record Mailbox(long id, String address) {
    }

    private record BalanceAndMailbox(long balance, Optional<Mailbox> mailbox) {
    }

    /**
     * The caller's balance (users.quota_balance, which the ledger keeps equal to the sum of its rows) and the
     * caller's NORMAL mailbox named by {@code from}. Mailboxes are read with plain SQL: they belong to the domains
     * feature. Another user's mailbox is simply not found.
     */
    private BalanceAndMailbox balanceAndMailbox(long userId, String from) {
        return jdbc.queryForObject("""
                SELECT u.quota_balance, m.id, m.address
                  FROM users u
                  LEFT JOIN sender_mailboxes m
                    ON m.owner_id = u.id AND lower(m.address) = lower(:from) AND m.status = 'NORMAL'
                 WHERE u.id = :user
                """, new MapSqlParameterSource().addValue("user", userId)
                .addValue("from", from == null ? "" : from.trim()), (rs, i) -> new BalanceAndMailbox(
                rs.getLong("quota_balance"), rs.getObject("id") == null ? Optional.empty()
                : Optional.of(new Mailbox(rs.getLong("id"), rs.getString("address")))));
    }

    private static InvalidInputException notAMailbox(String from) {
        if (from == null || from.isBlank()) {
            return new InvalidInputException("from", "is required: one of your sender mailboxes in NORMAL state");
        }
        return new InvalidInputException("from", "'" + from.trim() + "' is not an active (NORMAL) sender mailbox "
                + "of yours; add and verify it under sending domains first");
    }

    private static List<FieldProblem> problems(SendRequest r) {
        List<FieldProblem> problems = new ArrayList<>();
        if (r.to() == null || r.to().isEmpty()) {
            problems.add(new FieldProblem("to", "at least one recipient is required"));
        } else if (r.to().size() > MAX_RECIPIENTS) {
            problems.add(new FieldProblem("to", "at most " + MAX_RECIPIENTS + " recipients per request"));
        } else {
            for (int i = 0; i < r.to().size(); i++) {
                String to = r.to().get(i);
                if (to == null || !Addresses.isEmail(to.trim())) {
                    problems.add(new FieldProblem("to[" + i + "]", "is not a valid e-mail address"));
                }
            }
        }
        if (r.subject() == null || r.subject().isBlank()) {
            problems.add(new FieldProblem("subject", "is required"));
        } else if (r.subject().length() > MAX_SUBJECT_CHARS) {
            problems.add(new FieldProblem("subject", "at most " + MAX_SUBJECT_CHARS + " characters"));
        } else if (r.subject().indexOf('\r') >= 0 || r.subject().indexOf('\n') >= 0) {
            problems.add(new FieldProblem("subject", "must be one line"));
        }
        if (r.html() == null || r.html().isBlank()) {
            problems.add(new FieldProblem("html", "is required"));
        } else if (r.html().length() > MAX_BODY_CHARS) {
            problems.add(new FieldProblem("html", "at most " + MAX_BODY_CHARS + " characters"));
        }
        if (r.text() != null && r.text().length() > MAX_BODY_CHARS) {
            problems.add(new FieldProblem("text", "at most " + MAX_BODY_CHARS + " characters"));
        }
        if (r.campaignId() != null && !CAMPAIGN_ID.matcher(r.campaignId()).matches()) {
            problems.add(new FieldProblem("campaign_id", "1 to 64 letters, digits, '.', '_' or '-', starting with "
                    + "a letter or digit"));
        }
        if (r.headers() != null) {
            if (r.headers().size() > MAX_HEADERS) {
                problems.add(new FieldProblem("headers", "at most " + MAX_HEADERS + " headers"));
            }
            r.headers().forEach((name, value) -> {
                if (!HEADER_NAME.matcher(name).matches()) {
                    problems.add(new FieldProblem("headers." + name, "is not a valid header name"));
                } else if (RESERVED_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                    problems.add(new FieldProblem("headers." + name, "is set by the send path and cannot be given"));
                } else if (value == null || value.length() > 1000 || value.indexOf('\r') >= 0
                        || value.indexOf('\n') >= 0) {
                    problems.add(new FieldProblem("headers." + name, "must be one line of at most 1000 characters"));
                }
            });
        }
        if (r.tags() != null) {
            if (r.tags().size() > MAX_TAGS) {
                problems.add(new FieldProblem("tags", "at most " + MAX_TAGS + " tags"));
            }
            for (int i = 0; i < r.tags().size(); i++) {
                if (r.tags().get(i) == null || !TAG.matcher(r.tags().get(i)).matches()) {
                    problems.add(new FieldProblem("tags[" + i + "]", "1 to 64 letters, digits or _ . : -"));
                }
            }
        }
        return problems;
    }

    // ---- writing

    /**
     * The common request (valid fields, no Idempotency-Key, a campaign that exists or none) in one statement
     * without a transaction of its own: the quota and {@code from} checks and the insert of every recipient's
     * message, which happens only when both checks pass, so a refused request still writes nothing. Empty when
     * the campaign id is new (the general path creates it). Three round trips and a transaction's BEGIN/COMMIT
     * fewer than the general path: on 2 cores shared with PostgreSQL, that is what an accepted send costs most.
     */
    private Optional<Outcome> sendInOneStatement(long userId, SendRequest r, int recipients) {
        List<Recipient> messages = new ArrayList<>();
        for (String to : r.to()) {
            messages.add(new Recipient(publicId("msg_"), to.trim()));
        }
        String[] tokens = new String[messages.size()];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = token();
        }
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("user", userId)
                .addValue("from", r.from().trim())
                .addValue("campaign", r.campaignId())
                .addValue("needed", recipients)
                .addValue("requestId", publicId("req_"))
                .addValue("key", currentUser.apiKeyId().orElse(null))
                .addValue("subject", r.subject().trim())
                .addValue("html", r.html())
                .addValue("text", r.text())
                .addValue("headers", headersJson(r))
                .addValue("tags", r.tags() == null ? new String[0] : r.tags().toArray(String[]::new))
                .addValue("publicIds", messages.stream().map(Recipient::id).toArray(String[]::new))
                .addValue("tos", messages.stream().map(Recipient::to).toArray(String[]::new))
                .addValue("tokens", tokens);
        List<long[]> found = jdbc.query("""
                WITH u AS (SELECT quota_balance FROM users WHERE id = :user),
                     m AS (SELECT id, address FROM sender_mailboxes
                            WHERE owner_id = :user AND lower(address) = lower(:from) AND status = 'NORMAL'
                            LIMIT 1),
                     c AS (SELECT id FROM campaigns WHERE owner_id = :user AND public_id = CAST(:campaign AS text)),
                     ins AS (
                        INSERT INTO api_messages (public_id, request_id, owner_id, api_key_id, mailbox_id,
                                                  campaign_id, from_address, to_address, subject, html_body,
                                                  text_body, headers, tags, token)
                        SELECT r.public_id, CAST(:requestId AS text), :user, CAST(:key AS bigint), m.id,
                               (SELECT id FROM c), m.address, r.to_address, CAST(:subject AS text),
                               CAST(:html AS text), CAST(:text AS text), CAST(:headers AS jsonb),
                               CAST(:tags AS text[]), r.token
                          FROM u, m, unnest(CAST(:publicIds AS text[]), CAST(:tos AS text[]),
                                            CAST(:tokens AS text[])) AS r(public_id, to_address, token)
                         WHERE u.quota_balance >= :needed
                           AND (CAST(:campaign AS text) IS NULL OR EXISTS (SELECT 1 FROM c))
                        RETURNING 1)
                SELECT u.quota_balance, coalesce(m.id, 0) AS mailbox, (SELECT count(*) FROM ins) AS inserted
                  FROM u LEFT JOIN m ON TRUE
                """, params, (rs, i) -> new long[]{rs.getLong(1), rs.getLong(2), rs.getLong(3)});
        if (found.isEmpty()) {
            return Optional.empty();
        }
        long[] row = found.get(0);
        if (row[2] == messages.size()) {
            return Optional.of(new Outcome(new Accepted(messages.get(0).id(), "queued", messages), false));
        }
        // nothing was written: say why, in the seed's order
        if (row[0] < recipients) {
            throw new PaymentRequiredException(recipients, row[0]);
        }
        if (row[1] == 0) {
            throw notAMailbox(r.from());
        }
        return Optional.empty();
    }

    private String headersJson(SendRequest r) {
        try {
            return json.writeValueAsString(r.headers() == null ? Map.of() : r.headers());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The caller's campaign with this public id; an unknown id creates it (origin API, "discovered from the API")
     * with the id as its name. Concurrent first sends both land on one row: the unique (owner_id, public_id) index
     * makes the second insert wait for the first and then do nothing.
     */
    private long campaign(long userId, String publicId) {
        MapSqlParameterSource params = new MapSqlParameterSource().addValue("user", userId)
                .addValue("publicId", publicId);
        // most sends name a campaign that exists by now: look first, insert only when missing
        List<Long> existing = jdbc.queryForList(
                "SELECT id FROM campaigns WHERE owner_id = :user AND public_id = :publicId", params, Long.class);
        if (!existing.isEmpty()) {
            return existing.get(0);
        }
        List<Long> created = jdbc.queryForList("""
                INSERT INTO campaigns (owner_id, name, public_id, origin, start_time)
                VALUES (:user, :publicId, :publicId, 'API', NULL)
                ON CONFLICT (owner_id, public_id) DO NOTHING
                RETURNING id
                """, params, Long.class);
        if (!created.isEmpty()) {
            return created.get(0);
        }
        return jdbc.queryForObject("SELECT id FROM campaigns WHERE owner_id = :user AND public_id = :publicId",
                params, Long.class);
    }

    private void insert(long userId, String requestId, Mailbox mailbox, Long campaignId, SendRequest r,
                        List<Recipient> messages) {
        String headers = headersJson(r);
        String[] tags = r.tags() == null ? new String[0] : r.tags().toArray(String[]::new);
        MapSqlParameterSource[] rows = messages.stream().map(m -> new MapSqlParameterSource()
                .addValue("publicId", m.id())
                .addValue("requestId", requestId)
                .addValue("owner", userId)
                .addValue("key", currentUser.apiKeyId().orElse(null))
                .addValue("mailbox", mailbox.id())
                .addValue("campaign", campaignId)
                .addValue("from", mailbox.address())
                .addValue("to", m.to())
                .addValue("subject", r.subject().trim())
                .addValue("html", r.html())
                .addValue("text", r.text())
                .addValue("headers", headers)
                .addValue("tags", tags)
                .addValue("token", token())).toArray(MapSqlParameterSource[]::new);
        jdbc.batchUpdate("""
                INSERT INTO api_messages (public_id, request_id, owner_id, api_key_id, mailbox_id, campaign_id,
                                          from_address, to_address, subject, html_body, text_body, headers, tags,
                                          token)
                VALUES (:publicId, :requestId, :owner, :key, :mailbox, :campaign, :from, :to, :subject, :html, :text,
                        CAST(:headers AS jsonb), :tags, :token)
                """, rows);
    }

    private String publicId(String prefix) {
        byte[] raw = new byte[15];
        random.nextBytes(raw);
        return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(raw).replace('-', 'x')
                .replace('_', 'y').toLowerCase(Locale.ROOT);
    }

    private String token() {
        byte[] raw = new byte[24];
        random.nextBytes(raw);
        return "m" + Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    }
}
