package org.edm.activities.delivery;

import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.sender.QuotaDay;
import org.edm.domain.sender.SenderService;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.SendBatches;
import org.edm.domain.task.TaskStatus;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Array;
import java.sql.Date;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The send path's SQL. A claim is the set of deliveries one send activity took; it is named by the activity
 * execution ({@code workflowId/runId/activityId}), which stays the same across retries, so a retry finds exactly
 * what its earlier attempts left behind. Every write to a claimed delivery is conditional on the claim, so a
 * stale worker can never act on a delivery that is no longer its own.
 */
@Component
public class DeliveryClaims {

    static final String UNKNOWN_OUTCOME = "outcome unknown: the provider was called but no result was recorded";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NamedParameterJdbcTemplate jdbc;
    /** The send lanes' per-group statements, on connections that plan them once (see {@link SendLaneConnections}). */
    private final NamedParameterJdbcTemplate lanes;
    private final TransactionTemplate tx;
    private final TaskQuota quota;
    /** Stateless, on the same JdbcTemplate: a failure's webhook event commits with its send event. */
    private final OutgoingEvents outgoing;

    @Autowired
    public DeliveryClaims(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, TaskQuota quota,
                          ObjectProvider<SendLaneConnections> laneConnections) {
        this.jdbc = jdbc;
        SendLaneConnections lanes = laneConnections.getIfAvailable();
        this.lanes = lanes == null ? jdbc : lanes.jdbc();
        this.tx = tx;
        this.quota = quota;
        this.outgoing = new OutgoingEvents(jdbc);
    }

    /** Hand-wired (tests): quota with the default low-quota threshold, the lanes' statements on {@code jdbc}. */
    public DeliveryClaims(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx) {
        this(jdbc, tx, jdbc);
    }

    /** Hand-wired (tests), the lanes' statements on {@code lanes}. */
    public DeliveryClaims(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, NamedParameterJdbcTemplate lanes) {
        this.jdbc = jdbc;
        this.lanes = lanes;
        this.tx = tx;
        this.quota = new TaskQuota(jdbc);
        this.outgoing = new OutgoingEvents(jdbc);
    }

    public Optional<ServiceRow> service(long serviceId) {
        return service(serviceId, "");
    }

    private Optional<ServiceRow> service(long serviceId, String lock) {
        return jdbc.query("""
                SELECT id, provider, domain, settings::text AS settings, secret_ciphertext, enabled, health_status,
                       throttle_seconds, daily_quota, used_today, quota_day, reset_time, time_zone
                  FROM sender_services WHERE id = :id
                """ + lock, Map.of("id", serviceId), DeliveryClaims::serviceRow).stream().findFirst();
    }

    private static ServiceRow serviceRow(ResultSet rs, int i) throws SQLException {
        Date quotaDay = rs.getDate("quota_day");
        return new ServiceRow(rs.getLong("id"), rs.getString("provider"), rs.getString("domain"),
                rs.getString("settings"), rs.getBytes("secret_ciphertext"), rs.getBoolean("enabled"),
                rs.getString("health_status"), rs.getBigDecimal("throttle_seconds"), rs.getInt("daily_quota"),
                rs.getInt("used_today"), quotaDay == null ? null : quotaDay.toLocalDate(),
                rs.getObject("reset_time", LocalTime.class), QuotaDay.zone(rs.getString("time_zone")));
    }

    /**
     * Takes up to {@code max} pending deliveries of the task for the service, within the service's remaining
     * daily quota, in one transaction holding the service row: two workers can never both spend the last unit of
     * quota (INV-1); services claiming from one task take turns on the task's claim position (a few tens of
     * milliseconds each, see PendingQueue), and then send side by side. Deliveries whose address got suppressed
     * since the task started are skipped here (INV-7), and cost no quota; one suppressed after this claim and before
     * its group's mark is stopped by the suppressing transaction itself (AddressSuppression), and the mark, which
     * takes only SENDING rows not yet attempted, leaves it out of the lane's group.
     */
    public Claim claim(long serviceId, long taskId, int max, String claimToken, Instant now,
                       MailProviders providers) {
        return tx.execute(status -> {
            Optional<ServiceRow> found = service(serviceId, "FOR UPDATE");
            if (found.isEmpty() || !found.get().usable(providers)) {
                return Claim.UNUSABLE;
            }
            ServiceRow service = found.get();
            // FOR SHARE: a pause or cancel (which locks the row FOR UPDATE and then refunds the PENDING deliveries)
            // waits for this claim to commit, and this claim waits for it and then sees the new status. So a
            // delivery's quota unit is either consumed here or refunded there, never both (issue 5).
            // with what every message of the task shows (its sender name, task and campaign names): read once per
            // batch here instead of with every page of recipients
            List<Map<String, Object>> taskRow = jdbc.queryForList("""
                    SELECT t.status, t.owner_id, t.sender_name, t.name AS task_name, cp.name AS campaign_name,
                           t.audience_size IS NULL AS on_reservation
                      FROM tasks t LEFT JOIN campaigns cp ON cp.id = t.campaign_id
                     WHERE t.id = :id FOR SHARE OF t
                    """, Map.of("id", taskId));
            String taskStatus = taskRow.isEmpty() ? "GONE" : (String) taskRow.get(0).get("status");
            LocalDate today = QuotaDay.max(service.quotaDay(),
                    QuotaDay.of(now, service.resetTime(), service.zone()));
            int used = today.equals(service.quotaDay()) ? service.usedToday() : 0;
            int remaining = Math.max(0, service.dailyQuota() - used);
            int limit = Math.min(Math.max(0, max), remaining);
            // a paused, cancelled or finished task has nothing to claim; its workflow republishes demand on resume
            if (!TaskStatus.SENDING.is(taskStatus) || limit == 0) {
                rollOver(service, today, used);
                return new Claim(false, 0, 0, today, ClaimedRows.NONE, null);
            }
            ClaimedRows.Builder claimed = new ClaimedRows.Builder();
            int[] skipped = {0};
            long[] range = {Long.MAX_VALUE, Long.MIN_VALUE};
            // the task's position, locked until this claim commits (see PendingQueue)
            Long from = jdbc.queryForObject(PendingQueue.LOCK_POSITION, Map.of("taskId", taskId), Long.class);
            // the task's audience is still being inserted (issue 12): its quota is its reservation, and the claims
            // spend no more than that until the audience is in and reconciled (TaskQuota)
            boolean onReservation = Boolean.TRUE.equals(taskRow.get(0).get("on_reservation"));
            if (onReservation) {
                limit = (int) Math.min(limit, quota.reservationLeft(taskId));
                if (limit == 0) {
                    rollOver(service, today, used);
                    return new Claim(false, 0, 0, today, ClaimedRows.NONE, null);
                }
            }
            jdbc.query(CLAIM, new MapSqlParameterSource()
                    .addValue("taskId", taskId)
                    .addValue("from", from)
                    .addValue("limit", limit)
                    .addValue("serviceId", serviceId)
                    .addValue("claim", claimToken), rs -> {
                range[0] = Math.min(range[0], rs.getLong("id"));
                range[1] = Math.max(range[1], rs.getLong("id"));
                if ("SENDING".equals(rs.getString("status"))) {
                    claimed.add(claimedRow(rs));
                } else {
                    skipped[0]++;
                }
            });
            int sending = claimed.size();
            rollOver(service, today, used + sending);
            if (onReservation && sending + skipped[0] > 0) {
                quota.spendReservation(taskId, sending + skipped[0]);
            }
            if (range[1] >= range[0]) {
                // everything from the position up to the last row taken is claimed or ended now
                jdbc.update(PendingQueue.ADVANCE, Map.of("taskId", taskId, "below", range[1] + 1));
                // the batch's row: how readers find what this service and task sent, and the claim's rows by its id
                // range (SendBatches), one per claim
                jdbc.update(SendBatches.OPEN, new MapSqlParameterSource()
                        .addValue("claim", claimToken)
                        .addValue("serviceId", serviceId)
                        .addValue("taskId", taskId)
                        .addValue("firstId", range[0])
                        .addValue("lastId", range[1]));
            }
            if (skipped[0] > 0) {
                // never sent: the owner's quota unit comes back (only attempts cost quota)
                quota.refund(taskId, ((Number) taskRow.get(0).get("owner_id")).longValue(), skipped[0],
                        QuotaLedger.SKIP_REFUND, "skipped at claim time (suppressed or contact deleted)");
            }
            Map<String, Object> task = taskRow.get(0);
            return new Claim(false, sending, skipped[0], today, claimed.build(), new TaskNames((String) task.get("sender_name"),
                    (String) task.get("task_name"), (String) task.get("campaign_name")));
        });
    }

    /**
     * The claim: the task's first {@code :limit} unclaimed deliveries from its position {@code :from} on (its pending
     * queue: see PendingQueue), each SENDING for the service or SKIPPED when its address is suppressed or its contact
     * gone. A HOT update: no index of deliveries reads a column it writes. No SKIP LOCKED: claims of one task take
     * turns on the position's lock, and a row skipped because another writer held it would stay PENDING below the
     * position; FOR UPDATE waits for such a writer and rechecks "claim_token IS NULL". The locked
     * rows' contact_id comes with the lock (no second look-up of each delivery), and the verdict is MATERIALIZED:
     * inlined, its CASE (a hash and a suppression probe per row) ran once for each of the three columns that read it.
     * The verdict already reads each contact, so it also hands rendering what it needs from it (RETURNING, SENDING
     * rows only): a first attempt reads no page of recipients by id afterwards (see {@link ClaimedRow}).
     */
    static final String CLAIM = """
            WITH claimable AS (
                SELECT id, contact_id FROM deliveries
                 WHERE task_id = :taskId AND id >= :from AND claim_token IS NULL
                 ORDER BY id
                 LIMIT :limit
                   FOR UPDATE
            ), verdict AS MATERIALIZED (
                SELECT cl.id, c.email, c.nickname, c.tags, c.attributes,
                       CASE WHEN c.id IS NULL THEN 'CONTACT_DELETED'
                            WHEN EXISTS (SELECT 1 FROM suppressions s
                                          WHERE s.owner_id = c.owner_id
                                            AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8')))
                            THEN 'SUPPRESSED'
                       END AS skip_reason
                  FROM claimable cl
                  LEFT JOIN contacts c ON c.id = cl.contact_id
            )
            UPDATE deliveries d
               SET status = CASE WHEN v.skip_reason IS NULL THEN 'SENDING' ELSE 'SKIPPED' END,
                   skip_reason = v.skip_reason,
                   sender_service_id = CASE WHEN v.skip_reason IS NULL THEN :serviceId END,
                   claim_token = :claim,
                   updated_at = now()
              FROM verdict v
             WHERE d.id = v.id
            RETURNING d.id, d.status, d.token, d.template_id,
                      CASE WHEN v.skip_reason IS NULL THEN v.email END AS email,
                      CASE WHEN v.skip_reason IS NULL THEN v.nickname END AS nickname,
                      CASE WHEN v.skip_reason IS NULL THEN v.tags END AS tags,
                      CASE WHEN v.skip_reason IS NULL THEN v.attributes::text END AS attributes
            """;

    private static ClaimedRow claimedRow(ResultSet rs) throws SQLException {
        Array tags = rs.getArray("tags");
        return new ClaimedRow(rs.getLong("id"), rs.getString("token"), (Long) rs.getObject("template_id", Long.class),
                rs.getString("email"), rs.getString("nickname"), tags == null ? null : (Object[]) tags.getArray(),
                rs.getString("attributes"));
    }

    /** Whether the task is still SENDING: a batch sending what its claim handed it asks this before each page. */
    public boolean taskSending(long taskId) {
        return TaskStatus.SENDING.is(jdbc.queryForList("SELECT status FROM tasks WHERE id = :id",
                Map.of("id", taskId), String.class).stream().findFirst().orElse("GONE"));
    }

    private void rollOver(ServiceRow service, LocalDate day, int usedToday) {
        if (day.equals(service.quotaDay()) && usedToday == service.usedToday()) {
            return;
        }
        // updated_at is left alone: it marks admin changes, not sending
        jdbc.update("UPDATE sender_services SET used_today = :used, quota_day = :day WHERE id = :id",
                new MapSqlParameterSource()
                        .addValue("used", usedToday)
                        .addValue("day", Date.valueOf(day))
                        .addValue("id", service.id()));
    }

    /** Whether an earlier attempt of this activity already claimed (a retry must not claim a second batch). */
    public boolean hasClaim(String claimToken) {
        return Boolean.TRUE.equals(jdbc.queryForObject(
                "SELECT EXISTS (SELECT 1 FROM send_batches WHERE claim_token = :claim)",
                Map.of("claim", claimToken), Boolean.class));
    }

    /**
     * INV-3: a delivery of this claim that was handed to the provider without a recorded outcome may have been
     * sent; it becomes UNKNOWN and is never sent again automatically.
     */
    public int markInterruptedAsUnknown(String claimToken) {
        return jdbc.update("""
                UPDATE deliveries d SET status = 'UNKNOWN', error = :error, updated_at = now()
                 WHERE """ + SendBatches.ofClaim("d") + """
                   AND status = 'SENDING' AND attempted_at IS NOT NULL
                """, Map.of("claim", claimToken, "error", UNKNOWN_OUTCOME));
    }

    /**
     * The claim's deliveries not yet handed to a provider, in id order, for a retry of the activity and for a throttled
     * batch (an unthrottled first attempt sends what its claim returned): a retry reads what rendering needs a page at
     * a time as its send lanes get there ({@link #unattempted(List, String)}), so what it holds does not grow with it.
     */
    public List<Long> unattemptedIds(String claimToken) {
        return jdbc.queryForList("""
                SELECT id FROM deliveries d
                 WHERE """ + SendBatches.ofClaim("d") + """
                   AND status = 'SENDING' AND attempted_at IS NULL
                 ORDER BY id
                """, Map.of("claim", claimToken), Long.class);
    }

    /**
     * What rendering needs for some of {@link #unattemptedIds}: those still unattempted and this claim's, and none once
     * the task is no longer SENDING (paused or cancelled while the batch runs: the batch then gives the rest back, see
     * {@link #releaseUnattempted}). By primary key, whatever the statistics say about the claim (see
     * {@link #markAttempted(List, String)} for the claim check).
     */
    public List<Unsent> unattempted(List<Long> deliveryIds, String claimToken) {
        if (deliveryIds.isEmpty()) {
            return List.of();
        }
        return jdbc.query(UNSENT, Map.of("ids", bigintArray(deliveryIds), "claim", claimToken), DeliveryClaims::unsent);
    }

    private static final String UNSENT = """
            SELECT d.id, d.token, d.template_id, c.email, c.nickname, c.tags, c.attributes::text AS attributes,
                   t.sender_name, t.name AS task_name, cp.name AS campaign_name
              FROM deliveries d
              JOIN tasks t ON t.id = d.task_id
              JOIN campaigns cp ON cp.id = t.campaign_id
              LEFT JOIN contacts c ON c.id = d.contact_id
             WHERE d.id = ANY(CAST(:ids AS bigint[])) AND d.claim_token IS NOT DISTINCT FROM :claim
               AND coalesce(d.status, '') = 'SENDING' AND t.status = 'SENDING' AND d.attempted_at IS NULL
             ORDER BY d.id
            """;

    private static Unsent unsent(ResultSet rs, int i) throws SQLException {
        return new Unsent(
                new MessageRenderer.Recipient(rs.getLong("id"), rs.getString("token"), rs.getString("email"),
                        rs.getString("nickname"), rs.getString("sender_name"), rs.getString("task_name"),
                        rs.getString("campaign_name"), tags(rs.getArray("tags")),
                        attributes(rs.getString("attributes"))),
                (Long) rs.getObject("template_id", Long.class));
    }

    private static Set<String> tags(Array array) throws SQLException {
        if (array == null) {
            return Set.of();
        }
        Set<String> tags = new HashSet<>();
        for (Object tag : (Object[]) array.getArray()) {
            if (tag != null) {
                tags.add(tag.toString());
            }
        }
        return tags;
    }

    /** The contact's attributes as template values: scalars as they read, objects and arrays as JSON. */
    static Map<String, String> attributes(String json) {
        if (json == null) {
            return Map.of();
        }
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("contacts.attributes is not JSON", e);
        }
        Map<String, String> values = new HashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(field -> {
                JsonNode value = field.getValue();
                if (!value.isNull()) {
                    values.put(field.getKey(), value.isValueNode() ? value.asText() : value.toString());
                }
            });
        }
        return values;
    }

    /**
     * The point of no return, committed before the provider is called: from here on a crash leaves evidence that
     * the delivery may have been sent. False when the delivery is no longer this claim's to send.
     */
    public boolean markAttempted(long deliveryId, String claimToken) {
        return jdbc.update("""
                UPDATE deliveries SET attempted_at = now(), updated_at = now()
                 WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING'
                   AND attempted_at IS NULL
                """, Map.of("id", deliveryId, "claim", claimToken)) == 1;
    }

    /**
     * {@link #markAttempted(long, String)} for a group, in one statement: the whole group passes the point of no
     * return together, so a crash before its outcomes are recorded leaves at most the group UNKNOWN. Returns the
     * ids that were marked (the others are no longer this claim's to send).
     */
    public Set<Long> markAttempted(List<Long> deliveryIds, String claimToken) {
        if (deliveryIds.isEmpty()) {
            return Set.of();
        }
        // Statements on given deliveries find them by primary key, and the send lanes' ones (this, unmarkAttempted,
        // recordSent, recordSentAndMarkAttempted) can be served by no other index: they run with generic plans, made
        // once per connection whatever the table's size then (see SendLaneConnections). So their claim check is
        // written "claim_token IS NOT DISTINCT FROM :claim" (the same as "=" here: a claim token is never null; with
        // "=", a planner without fresh statistics chose the claim index and read the whole batch's 1,000 rows to mark
        // ten), and their status check "coalesce(status, '') = ..." (the same, status is never null; as a plain
        // "status = ...", a generic plan made on a table of three rows scanned the whole (task_id, status) index).
        return new HashSet<>(lanes.queryForList(MARK_ATTEMPTED,
                Map.of("ids", bigintArray(deliveryIds), "claim", claimToken), Long.class));
    }

    static final String MARK_ATTEMPTED = """
            UPDATE deliveries SET attempted_at = now(), updated_at = now()
             WHERE id = ANY(CAST(:ids AS bigint[])) AND claim_token IS NOT DISTINCT FROM :claim
               AND coalesce(status, '') = 'SENDING' AND attempted_at IS NULL
            RETURNING id
            """;

    /** {@link #unmarkAttempted(long, String)} for the part of a group that was certainly never handed over. */
    public void unmarkAttempted(List<Long> deliveryIds, String claimToken) {
        if (deliveryIds.isEmpty()) {
            return;
        }
        lanes.update(UNMARK_ATTEMPTED, Map.of("ids", bigintArray(deliveryIds), "claim", claimToken));
    }

    static final String UNMARK_ATTEMPTED = """
            UPDATE deliveries SET attempted_at = NULL, updated_at = now()
             WHERE id = ANY(CAST(:ids AS bigint[])) AND claim_token IS NOT DISTINCT FROM :claim
               AND coalesce(status, '') = 'SENDING'
            """;

    /** The provider said for certain that nothing left: the delivery may be sent by a later attempt. */
    public void unmarkAttempted(long deliveryId, String claimToken) {
        jdbc.update("""
                UPDATE deliveries SET attempted_at = NULL, updated_at = now()
                 WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING'
                """, Map.of("id", deliveryId, "claim", claimToken));
    }

    /**
     * UNKNOWN may still become SENT: a worker that outlived its timeout knows better than the retry that
     * gave up on it.
     */
    public void recordSent(long deliveryId, String claimToken, String messageId, String providerMessageId) {
        recordSent(List.of(new Sent(deliveryId, messageId, providerMessageId)), claimToken);
    }

    /**
     * {@link #recordSent(long, String, String, String)} for a group's accepted messages, in one statement with their
     * its SENT versions (see {@link #recordSentCtes}).
     */
    public void recordSent(List<Sent> sent, String claimToken) {
        if (sent.isEmpty()) {
            return;
        }
        // Committed without waiting for the WAL flush (synchronous_commit off for this statement's own transaction
        // only: the send lanes call it outside any transaction). Losing it in a PostgreSQL crash is safe for INV-3:
        // the group stays SENDING with its attempted mark, which was committed durably before the provider was
        // called, so recovery makes it UNKNOWN, never a second mail. What can be lost is the knowledge that it was
        // SENT (reported UNKNOWN instead); quota
        // was spent at the claim either way. Any later durable commit flushes it. (A send lane records this way only
        // its last group of a batch; the others ride on the next group's mark, see recordSentAndMarkAttempted.)
        lanes.queryForObject(RECORD_SENT, sentParameters(sent, claimToken), Long.class);
    }

    static final String RECORD_SENT = "WITH async_commit AS (SELECT set_config('synchronous_commit', 'off', true)),"
            + recordSentCtes("async_commit, ") + " SELECT count(*) FROM sent";

    /**
     * A send lane's one round trip between two groups: records the previous group's accepted messages (as
     * {@link #recordSent(List, String)}) and marks the next group attempted (as {@link #markAttempted(List, String)})
     * in one statement, so one transaction instead of two per group. It commits durably, as the attempted mark
     * must before the group is handed to the provider; so the previous group's outcome, which alone could commit
     * without waiting for the flush, now rides on a flush the lane waits for anyway. A lane still has at most one
     * group attempted without a recorded outcome at any moment (the at-most-once bound is unchanged). Returns the
     * ids of the next group that were marked.
     */
    public Set<Long> recordSentAndMarkAttempted(List<Sent> previous, List<Long> next, String claimToken) {
        if (previous.isEmpty()) {
            return markAttempted(next, claimToken);
        }
        if (next.isEmpty()) {
            recordSent(previous, claimToken);
            return Set.of();
        }
        // the two groups are disjoint, so no row is changed twice by the one statement.
        // By primary key, not by ctid (priced in issue 12, round 11): a TID scan reads fewer buffers per call, but it
        // does no on-access pruning (an index fetch does), so the versions the claim and the mark leave behind stay on
        // the page, it fills, and about a third of the lanes' updates stopped being HOT (each then inserts into all
        // five indexes of deliveries): +30-50 % backend CPU for this statement.
        return new HashSet<>(lanes.queryForList(RECORD_SENT_AND_MARK_ATTEMPTED,
                sentParameters(previous, claimToken).addValue("next", bigintArray(next)), Long.class));
    }

    static final String RECORD_SENT_AND_MARK_ATTEMPTED = """
            WITH attempted AS (
                UPDATE deliveries SET attempted_at = now(), updated_at = now()
                 WHERE id = ANY(CAST(:next AS bigint[])) AND claim_token IS NOT DISTINCT FROM :claim
                   AND coalesce(status, '') = 'SENDING' AND attempted_at IS NULL
                RETURNING id
            ),""" + recordSentCtes("") + " SELECT id FROM attempted";

    /** The send lanes' statements, all run on {@link SendLaneConnections} (the tests look at their plans). */
    static final List<String> LANE_STATEMENTS = List.of(MARK_ATTEMPTED, UNMARK_ATTEMPTED, RECORD_SENT,
            RECORD_SENT_AND_MARK_ATTEMPTED);

    /**
     * The CTEs that record a group's accepted messages (parameters from {@link #sentParameters}); {@code sent} holds
     * the rows turned SENT. The ids are given twice, once as "d.id = ANY(..)", so that whatever join the planner
     * picks, deliveries are read by primary key (see {@link #markAttempted(List, String)} for the claim check):
     * before, this statement read about a hundred buffers per delivery in the benchmark's statement profile.
     *
     * <p>A SENT delivery gets no send event and no campaign label (issue 12): the delivery row holds what they
     * held. "Sent to in campaign X" is read from the SENT deliveries (RecipientRule), and the look-ups that
     * needed the events' indexes go through the batch ({@link SendBatches}).
     */
    private static String recordSentCtes(String fromFirst) {
        return """
                sent AS (
                    UPDATE deliveries d SET status = 'SENT', sent_at = now(), message_id = v.message_id,
                                            provider_message_id = v.provider_message_id, error = NULL,
                                            updated_at = now()
                      FROM %sunnest(CAST(:ids AS bigint[]), CAST(:messageIds AS text[]),
                                    CAST(:providerIds AS text[])) AS v(id, message_id, provider_message_id)
                     WHERE d.id = ANY(CAST(:ids AS bigint[])) AND d.id = v.id
                       AND d.claim_token IS NOT DISTINCT FROM :claim
                       AND coalesce(d.status, '') IN ('SENDING', 'UNKNOWN')
                    RETURNING d.id
                )
                """.formatted(fromFirst);
    }

    private static MapSqlParameterSource sentParameters(List<Sent> sent, String claimToken) {
        List<Long> ids = new java.util.ArrayList<>(sent.size());
        List<String> messageIds = new java.util.ArrayList<>(sent.size());
        List<String> providerIds = new java.util.ArrayList<>(sent.size());
        for (Sent s : sent) {
            ids.add(s.deliveryId());
            messageIds.add(truncate(s.messageId(), 255));
            providerIds.add(truncate(s.providerMessageId(), 255));
        }
        return new MapSqlParameterSource()
                .addValue("ids", bigintArray(ids))
                .addValue("messageIds", textArray(messageIds))
                .addValue("providerIds", textArray(providerIds))
                .addValue("claim", claimToken);
    }

    /** A PostgreSQL array literal of ids, bound as text and cast in SQL (one statement text whatever the size). */
    static String bigintArray(List<Long> ids) {
        StringBuilder b = new StringBuilder(ids.size() * 8 + 2).append('{');
        for (int i = 0; i < ids.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(ids.get(i).longValue());
        }
        return b.append('}').toString();
    }

    /** A PostgreSQL text[] literal: every element quoted, quotes and backslashes escaped, null as NULL. */
    static String textArray(List<String> values) {
        StringBuilder b = new StringBuilder(values.size() * 40 + 2).append('{');
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            String v = values.get(i);
            if (v == null) {
                b.append("NULL");
                continue;
            }
            b.append('"');
            for (int k = 0; k < v.length(); k++) {
                char c = v.charAt(k);
                if (c == '"' || c == '\\') {
                    b.append('\\');
                }
                b.append(c);
            }
            b.append('"');
        }
        return b.append('}').toString();
    }

    public void recordFailed(long deliveryId, String claimToken, String error) {
        jdbc.update("""
                UPDATE deliveries SET status = 'FAILED', error = :error, updated_at = now()
                 WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status IN ('SENDING', 'UNKNOWN')
                """, Map.of("id", deliveryId, "claim", claimToken, "error", truncate(error, 2000)));
    }

    /** Never sent, so its owner's quota unit comes back (SKIP_REFUND), once: the row becomes SKIPPED only once. */
    public void recordSkipped(long deliveryId, String claimToken, String reason) {
        tx.executeWithoutResult(status -> {
            List<Map<String, Object>> skipped = jdbc.queryForList("""
                    WITH skipped AS (
                        UPDATE deliveries SET status = 'SKIPPED', skip_reason = :reason, updated_at = now()
                         WHERE id = :id AND claim_token IS NOT DISTINCT FROM :claim AND status = 'SENDING'
                           AND attempted_at IS NULL
                     RETURNING task_id)
                    SELECT t.id, t.owner_id FROM skipped s JOIN tasks t ON t.id = s.task_id
                    """, Map.of("id", deliveryId, "claim", claimToken, "reason", reason));
            for (Map<String, Object> task : skipped) {
                quota.refund(((Number) task.get("id")).longValue(), ((Number) task.get("owner_id")).longValue(), 1,
                        QuotaLedger.SKIP_REFUND, "skipped before sending: " + reason);
            }
        });
    }

    /**
     * Gives the claim's never-attempted deliveries back to the task (PENDING, unowned; CANCELLED if the task has
     * ended meanwhile) when this activity will not
     * send them: it was cancelled, its service became unusable, or it is failing for the last time. The quota
     * they held is refunded only when it was taken on the service's current quota day ({@code claimDay}); when in
     * doubt it stays spent, which can only make a service send less, never more (INV-1).
     */
    public int releaseUnattempted(String claimToken, long serviceId, LocalDate claimDay) {
        Integer released = tx.execute(status -> {
            // the claim's task, locked shared like the claim itself (see claim): see releasedWhileNotHolding
            List<Map<String, Object>> tasks = jdbc.queryForList("""
                    SELECT id, owner_id, status, pause_reason, audience_size FROM tasks
                     WHERE id IN (SELECT task_id FROM send_batches WHERE claim_token = :claim)
                     ORDER BY id FOR SHARE
                    """, Map.of("claim", claimToken));
            // to a task that has ended meanwhile (cancelled while this claim was out) it goes back CANCELLED, not
            // PENDING: nothing would ever send it, and every delivery must reach a terminal state (INV-4). PENDING is
            // exactly "no claim token" (PendingQueue), so a CANCELLED one keeps the no-claim marker instead.
            List<Long> releasedOf = jdbc.queryForList("""
                    WITH released AS (
                    UPDATE deliveries d
                       SET status = CASE WHEN t.status IN ('CANCELLED', 'FINISHED', 'FAILED') THEN 'CANCELLED'
                                         ELSE 'PENDING' END,
                           skip_reason = CASE WHEN t.status IN ('CANCELLED', 'FINISHED', 'FAILED')
                                              THEN 'TASK_ENDED' ELSE d.skip_reason END,
                           claim_token = CASE WHEN t.status IN ('CANCELLED', 'FINISHED', 'FAILED') THEN :noClaim END,
                           sender_service_id = NULL, updated_at = now()
                      FROM tasks t
                     WHERE t.id = d.task_id AND """ + SendBatches.ofClaim("d") + """
                   AND d.status = 'SENDING'
                       AND d.attempted_at IS NULL
                    RETURNING d.id, d.task_id, d.status
                    ), lowered AS (""" + PendingQueue.lowerTo("released", "(SELECT min(task_id) FROM released)") + """
                    )
                    SELECT task_id FROM released
                    """, Map.of("claim", claimToken, "noClaim", PendingQueue.NO_CLAIM), Long.class);
            int n = releasedOf.size();
            releasedWhileNotHolding(tasks, releasedOf);
            if (n > 0 && claimDay != null) {
                jdbc.update("""
                        UPDATE sender_services SET used_today = greatest(0, used_today - :n)
                         WHERE id = :id AND quota_day = :day
                        """, new MapSqlParameterSource()
                        .addValue("n", n)
                        .addValue("id", serviceId)
                        .addValue("day", Date.valueOf(claimDay)));
            }
            return n;
        });
        return released == null ? 0 : released;
    }

    /**
     * Quota: a claimed delivery's unit was consumed by the claim. Given back as PENDING, it is held again by a task
     * that holds its PENDING deliveries (SENDING); a task that does not (paused by an operator, cancelled) had
     * refunded its PENDING deliveries when it stopped holding, so this one is refunded now. A task whose audience is
     * still being inserted holds its reservation, paused or not: the unit goes back into it (TaskQuota).
     */
    private void releasedWhileNotHolding(List<Map<String, Object>> tasks, List<Long> releasedOf) {
        for (Map<String, Object> task : tasks) {
            long taskId = ((Number) task.get("id")).longValue();
            long n = releasedOf.stream().filter(id -> id == taskId).count();
            String status = (String) task.get("status");
            if (n > 0 && task.get("audience_size") == null
                    && (TaskStatus.SENDING.is(status) || TaskStatus.PAUSED.is(status))) {
                quota.returnToReservation(taskId, n);
            } else if (n > 0 && !TaskStatus.holdsQuota(status, (String) task.get("pause_reason"))) {
                quota.refund(taskId, ((Number) task.get("owner_id")).longValue(), n, QuotaLedger.RELEASE_REFUND,
                        n + " claimed but never sent deliveries returned while the task holds no quota");
            }
        }
    }

    /**
     * The batch's final count, which also closes its {@code send_batches} row with what it sent (see
     * {@link SendBatches}), and names the provider message ids of a service with provider webhooks
     * ({@code provider_messages}: ALIYUN_DM, ENGAGELAB; an SMTP service has none, its bounces and replies name
     * our token, Message-ID or address). Idempotent: a retry that ends the batch again writes the same.
     */
    public ClaimCounts counts(String claimToken) {
        return jdbc.queryForObject(SendBatches.CLOSE, Map.of("claim", claimToken), (rs, i) -> new ClaimCounts(
                rs.getInt("claimed"), rs.getInt("sent"), rs.getInt("failed"), rs.getInt("unknown")));
    }

    /** A retry attempt may still send: its batch is read live again until the attempt's final count closes it. */
    public void reopen(String claimToken) {
        jdbc.update(SendBatches.REOPEN, Map.of("claim", claimToken));
    }

    /**
     * Whether the task still has deliveries nobody has claimed (a paused or ended task has none to offer, nor one
     * whose audience is still being inserted and whose reservation its claims have spent, see {@link #claim}).
     */
    public boolean hasClaimablePending(long taskId) {
        return Boolean.TRUE.equals(jdbc.queryForObject("""
                SELECT EXISTS (SELECT 1 FROM deliveries d JOIN tasks t ON t.id = d.task_id
                               WHERE d.claim_token IS NULL AND t.status = 'SENDING'
                                 AND """ + TaskQuota.quotaLetsClaim("t") + """
                                 AND """ + PendingQueue.fromPosition("d", ":taskId") + ")",
                Map.of("taskId", taskId), Boolean.class));
    }

    /**
     * Writes each FAILED delivery's send event once. Set-based and idempotent, so a retry simply fills in what a
     * crashed attempt did not. A failure logged here for the first time is also a {@code message.failed} webhook
     * event, in the same transaction. A SENT delivery gets no event and no label (issue 12, see
     * {@link SendBatches} and RecipientRule), so an UNKNOWN delivery that a late outcome turns SENT counts from
     * then on.
     */
    public void recordSendEvents(String claimToken) {
        tx.executeWithoutResult(status -> recordSendEventsInTransaction(claimToken));
    }

    private void recordSendEventsInTransaction(String claimToken) {
        List<Map<String, Object>> failed = jdbc.queryForList("""
                WITH logged AS (
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, sender_service_id, type,
                                       machine, occurred_at, details)
                SELECT d.id, d.task_id, t.campaign_id, d.contact_id, d.sender_service_id, 'SEND_FAIL',
                       TRUE, d.updated_at, jsonb_build_object('status', d.status, 'error', d.error)
                  FROM deliveries d
                  JOIN tasks t ON t.id = d.task_id
                 WHERE """ + SendBatches.ofClaim("d") + """
                   AND d.status = 'FAILED'
                   AND NOT EXISTS (SELECT 1 FROM event_log e WHERE e.delivery_id = d.id AND e.type = 'SEND_FAIL')
                RETURNING delivery_id, task_id, campaign_id, sender_service_id, type)
                SELECT l.delivery_id, l.task_id, l.campaign_id, l.sender_service_id, t.owner_id
                  FROM logged l JOIN tasks t ON t.id = l.task_id
                 WHERE l.type = 'SEND_FAIL' ORDER BY l.delivery_id
                """, Map.of("claim", claimToken));
        for (Map<String, Object> f : failed) {
            Map<String, Object> data = new java.util.LinkedHashMap<>();
            data.put("delivery_id", f.get("delivery_id"));
            data.put("task_id", f.get("task_id"));
            data.put("campaign_id", f.get("campaign_id"));
            data.put("sender_service_id", f.get("sender_service_id"));
            outgoing.publish(((Number) f.get("owner_id")).longValue(), WebhookEventType.MESSAGE_FAILED, data);
        }
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    public record ServiceRow(long id, String provider, String domain, String settingsJson, byte[] secretCiphertext,
                             boolean enabled, String healthStatus, java.math.BigDecimal throttleSeconds,
                             int dailyQuota, int usedToday, LocalDate quotaDay, LocalTime resetTime, ZoneId zone) {

        public boolean usable(MailProviders providers) {
            return SenderService.usable(enabled, healthStatus) && providers.supports(provider);
        }

        public SenderServiceAccount account() {
            return new SenderServiceAccount(id, provider, domain, settingsJson, secretCiphertext);
        }

        /** Quota left on the quota day that contains {@code now}. */
        public int remainingAt(Instant now) {
            LocalDate today = QuotaDay.max(quotaDay, QuotaDay.of(now, resetTime, zone));
            int used = today.equals(quotaDay) ? usedToday : 0;
            return Math.max(0, dailyQuota - used);
        }

        public Instant nextResetAfter(Instant now) {
            return QuotaDay.endOf(QuotaDay.max(quotaDay, QuotaDay.of(now, resetTime, zone)), resetTime, zone);
        }

        @Override
        public String toString() {
            return "ServiceRow[id=" + id + ", provider=" + provider + "]";
        }
    }

    /**
     * {@code day}: the quota day the claim was counted on. {@code claimed}: the SENDING deliveries the claim took, in id
     * order, with what rendering needs, and {@code names} what every message of the task shows.
     */
    public record Claim(boolean serviceUnusable, int sending, int skipped, LocalDate day, ClaimedRows claimed,
                        TaskNames names) {
        static final Claim UNUSABLE = new Claim(true, 0, 0, null, ClaimedRows.NONE, null);
    }

    /**
     * A claim's SENDING deliveries in id order, packed into one byte array while the batch runs (about 100 bytes a
     * delivery instead of ten objects and ~430 bytes): a batch holds them for a second or so, long enough for young
     * collections to promote them, and as separate rows 4,000 a batch filled the old generation with dead rows
     * (worker peak heap 67 -> 109 MB, RSS 285 -> 329 MB at 100,000 contacts).
     */
    public static final class ClaimedRows {
        static final ClaimedRows NONE = new ClaimedRows(new byte[0], new long[0], new int[0]);

        private final byte[] data;
        private final long[] ids;
        private final int[] offsets;

        private ClaimedRows(byte[] data, long[] ids, int[] offsets) {
            this.data = data;
            this.ids = ids;
            this.offsets = offsets;
        }

        public int size() {
            return ids.length;
        }

        public boolean isEmpty() {
            return ids.length == 0;
        }

        public long deliveryId(int i) {
            return ids[i];
        }

        public List<Long> deliveryIds() {
            List<Long> list = new ArrayList<>(ids.length);
            for (long id : ids) {
                list.add(id);
            }
            return list;
        }

        public ClaimedRow get(int i) {
            java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(data, offsets[i], data.length - offsets[i]);
            long id = in.getLong();
            long template = in.getLong();
            String token = string(in);
            String email = string(in);
            String nickname = string(in);
            String attributes = string(in);
            int tagCount = in.getInt();
            Object[] tags = tagCount < 0 ? null : new Object[tagCount];
            for (int t = 0; t < tagCount; t++) {
                tags[t] = string(in);
            }
            return new ClaimedRow(id, token, template == Long.MIN_VALUE ? null : template, email, nickname, tags,
                    attributes);
        }

        private static String string(java.nio.ByteBuffer in) {
            int length = in.getInt();
            if (length < 0) {
                return null;
            }
            String s = new String(in.array(), in.position(), length, java.nio.charset.StandardCharsets.UTF_8);
            in.position(in.position() + length);
            return s;
        }

        static final class Builder {
            private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            private final List<long[]> idAndOffset = new ArrayList<>();

            void add(ClaimedRow row) {
                idAndOffset.add(new long[] {row.deliveryId(), bytes.size()});
                java.nio.ByteBuffer head = java.nio.ByteBuffer.allocate(16);
                head.putLong(row.deliveryId()).putLong(row.templateId() == null ? Long.MIN_VALUE : row.templateId());
                bytes.writeBytes(head.array());
                put(row.token());
                put(row.email());
                put(row.nickname());
                put(row.attributesJson());
                putInt(row.tags() == null ? -1 : row.tags().length);
                if (row.tags() != null) {
                    for (Object tag : row.tags()) {
                        put(tag == null ? null : tag.toString());
                    }
                }
            }

            private void put(String s) {
                if (s == null) {
                    putInt(-1);
                    return;
                }
                byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                putInt(b.length);
                bytes.writeBytes(b);
            }

            private void putInt(int v) {
                bytes.writeBytes(java.nio.ByteBuffer.allocate(4).putInt(v).array());
            }

            int size() {
                return idAndOffset.size();
            }

            /** In id order: RETURNING comes in no particular order, the lanes take groups in id order. */
            ClaimedRows build() {
                idAndOffset.sort(Comparator.comparingLong(a -> a[0]));
                long[] ids = new long[idAndOffset.size()];
                int[] offsets = new int[ids.length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = idAndOffset.get(i)[0];
                    offsets[i] = (int) idAndOffset.get(i)[1];
                }
                return new ClaimedRows(bytes.toByteArray(), ids, offsets);
            }
        }
    }

    public record TaskNames(String senderName, String taskName, String campaignName) {
    }

    /**
     * A claimed delivery as the claim returned it, kept compact while its batch runs (a few strings and an array; the
     * tags and attributes become a {@link MessageRenderer.Recipient} only when its group is taken, see
     * {@link #unsent}): a batch holds up to a few thousand of these for a second or so.
     */
    public record ClaimedRow(long deliveryId, String token, Long templateId, String email, String nickname,
                             Object[] tags, String attributesJson) {

        /** The id only: the rest is personal data (and the token a tracking secret), never for a log line. */
        @Override
        public String toString() {
            return "ClaimedRow[deliveryId=" + deliveryId + "]";
        }
    }

    /** What rendering needs of a claimed delivery, from what the claim returned and the task's names. */
    static Unsent unsent(ClaimedRow row, TaskNames names) {
        Set<String> tags = Set.of();
        if (row.tags() != null && row.tags().length > 0) {
            tags = new HashSet<>();
            for (Object tag : row.tags()) {
                if (tag != null) {
                    tags.add(tag.toString());
                }
            }
        }
        return new Unsent(new MessageRenderer.Recipient(row.deliveryId(), row.token(), row.email(), row.nickname(),
                names.senderName(), names.taskName(), names.campaignName(), tags, attributes(row.attributesJson())),
                row.templateId());
    }

    public record Unsent(MessageRenderer.Recipient recipient, Long templateId) {
    }

    /** A message the provider accepted: what {@link #recordSent(List, String)} writes for one delivery. */
    public record Sent(long deliveryId, String messageId, String providerMessageId) {
    }

    public record ClaimCounts(int claimed, int sent, int failed, int unknown) {
    }
}
