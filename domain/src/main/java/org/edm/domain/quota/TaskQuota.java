package org.edm.domain.quota;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.domain.task.PauseReason;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.RecipientRule;
import org.edm.domain.task.TaskStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a task holds of its owner's quota, and the moves between "holds" and "holds nothing" (issue 5, F17, F23).
 *
 * <ul>
 *   <li>Not started (DRAFT, SCHEDULED): {@code tasks.quota_reserved}, its planned audience, reserved when its campaign
 *       is activated or when it is added to a running campaign.</li>
 *   <li>Started and {@link TaskStatus#holdsQuota holding} (SENDING, or PAUSED by the system for want of a usable
 *       sender service or of service quota, F20): exactly its PENDING deliveries. A delivery's unit is consumed when
 *       the send path claims it (sent, failed or unknown alike: a failed send is never refunded); one skipped before
 *       any attempt (suppressed since the start, contact deleted) is refunded (SKIP_REFUND).</li>
 *   <li>Started and not holding (PAUSED by an operator or for want of user quota, or ended): nothing.</li>
 *   <li>Started while its audience is still being inserted ({@code audience_size} NULL): its reservation, whatever
 *       happens meanwhile. A pause, a resume or a PENDING delivery cancelled (contact erased) moves nothing; the
 *       audience's resolution settles the reservation once: {@link #reconcileAtStart} when the task still holds, the
 *       unused reservation back when it does not; a cancel gives the unused reservation back at once
 *       ({@link #holdsPending}). The send path already claims the ranges that are in (issue 12: the first mail does
 *       not wait for the whole audience), but only within the reservation: what the claims took from it
 *       ({@link #spendReservation}, {@code task_claim_positions.claimed_on_reservation}) is used, the rest unused.
 *       So a task whose actual audience exceeds its reservation and whose owner cannot pay the extra ends up paused
 *       (NO_USER_QUOTA) holding exactly what it has used, as after an operator pause.</li>
 * </ul>
 * Every method here expects the caller's transaction to hold the task's row lock ({@code FOR UPDATE}) when it moves
 * the task, and the send path's claim to hold it {@code FOR SHARE} while it turns PENDING into SENDING: the two
 * serialise, so a delivery is either claimed (consumed) or counted in a refund, never both.
 */
@Component
public class TaskQuota {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NamedParameterJdbcTemplate jdbc;
    private final QuotaLedger ledger;

    @Autowired
    public TaskQuota(NamedParameterJdbcTemplate jdbc, QuotaLedger ledger) {
        this.jdbc = jdbc;
        this.ledger = ledger;
    }

    /** Hand-wired (tests): the default low-quota threshold. */
    public TaskQuota(NamedParameterJdbcTemplate jdbc) {
        this(jdbc, new QuotaLedger(jdbc));
    }

    public QuotaLedger ledger() {
        return ledger;
    }

    public static String reference(long taskId) {
        return "task:" + taskId;
    }

    // --- before the start: the planned audience --------------------------------------------------------------------

    /**
     * How many of the owner's contacts the rule selects now, suppressed addresses left out: the planned audience.
     * Conditions on the campaign's system labels are left out as well, which makes this an upper bound for a
     * follow-up stage (its labels only exist once the earlier stages have sent); the start refunds the difference.
     */
    public long plannedAudience(long ownerId, long campaignId, Map<String, Object> recipientRule) {
        String json;
        try {
            json = JSON.writeValueAsString(recipientRule);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("recipient rule is not JSON", e);
        }
        return plannedAudience(ownerId, campaignId, json);
    }

    public long plannedAudience(long ownerId, long campaignId, String recipientRuleJson) {
        RecipientRule rule = RecipientRule.parse(recipientRuleJson).withoutLabels();
        Long count = jdbc.queryForObject("SELECT count(*) FROM contacts c " + rule.audienceJoins()
                        + " WHERE c.owner_id = :ownerId AND s.id IS NULL " + rule.sqlConditions(),
                new MapSqlParameterSource()
                        .addValue("ownerId", ownerId)
                        .addValue("campaignId", campaignId)
                        .addValue("include", rule.includeTags().toArray(String[]::new))
                        .addValue("exclude", rule.excludeTags().toArray(String[]::new)), Long.class);
        return count == null ? 0 : count;
    }

    /**
     * A draft only checks (F23 "创建群发任务时预检查额度"): the planned audiences of these rules together must fit the
     * balance, else {@link QuotaShortfallException}. Nothing is reserved until the campaign is activated.
     */
    public void checkPlanned(long ownerId, Collection<Map<String, Object>> recipientRules) {
        long total = 0;
        for (Map<String, Object> rule : recipientRules) {
            total += plannedAudience(ownerId, 0, rule);
        }
        ledger.require(ownerId, total, false);
    }

    /**
     * Reserves each task's planned audience (TASK_RESERVE) for tasks not started yet that hold nothing: all or nothing.
     * The user's row is locked first and the total compared, so the shortfall names the whole need.
     */
    public long reservePlanned(long ownerId, Collection<Long> taskIds, Long actorId, String note) {
        if (taskIds.isEmpty()) {
            return 0;
        }
        List<Map<String, Object>> tasks = jdbc.queryForList("""
                SELECT id, campaign_id, recipient_rule::text AS rule FROM tasks
                 WHERE id IN (:ids) AND owner_id = :owner AND status IN (:notStarted) AND quota_reserved = 0
                 ORDER BY id FOR UPDATE
                """, new MapSqlParameterSource("ids", taskIds).addValue("owner", ownerId)
                .addValue("notStarted", TaskStatus.names(TaskStatus.NOT_STARTED)));
        long[] planned = new long[tasks.size()];
        long total = 0;
        for (int i = 0; i < tasks.size(); i++) {
            Map<String, Object> t = tasks.get(i);
            planned[i] = plannedAudience(ownerId, ((Number) t.get("campaign_id")).longValue(), (String) t.get("rule"));
            total += planned[i];
        }
        ledger.require(ownerId, total, true);
        for (int i = 0; i < tasks.size(); i++) {
            if (planned[i] == 0) {
                continue;
            }
            long taskId = ((Number) tasks.get(i).get("id")).longValue();
            ledger.debit(ownerId, planned[i], QuotaLedger.TASK_RESERVE, reference(taskId), actorId, note);
            jdbc.update("UPDATE tasks SET quota_reserved = :n WHERE id = :id", Map.of("n", planned[i], "id", taskId));
        }
        return total;
    }

    /**
     * A task not started yet whose rule changed: its reservation follows the new planned audience (TASK_REPLAN, one
     * row with the net change). The caller holds the task's row lock.
     */
    public void replan(long taskId, long ownerId, long campaignId, Map<String, Object> recipientRule, Long actorId) {
        Long reserved = jdbc.queryForObject("SELECT quota_reserved FROM tasks WHERE id = :id", Map.of("id", taskId),
                Long.class);
        long planned = plannedAudience(ownerId, campaignId, recipientRule);
        long delta = (reserved == null ? 0 : reserved) - planned;
        if (delta != 0) {
            ledger.change(ownerId, delta, QuotaLedger.TASK_REPLAN, reference(taskId), actorId,
                    "task re-planned: reservation " + reserved + " → " + planned);
            jdbc.update("UPDATE tasks SET quota_reserved = :n WHERE id = :id", Map.of("n", planned, "id", taskId));
        }
    }

    /** Gives back the reservation of one task not started yet (0 afterwards); returns the amount. */
    public long releaseTask(long taskId, String reason, Long actorId, String note) {
        return release("id = :scope", taskId, reason, actorId, note);
    }

    /** Gives back the reservations of a campaign's tasks not started yet; returns the total. */
    public long releaseCampaign(long campaignId, String reason, Long actorId, String note) {
        return release("campaign_id = :scope", campaignId, reason, actorId, note);
    }

    /** The unused part of each reservation: less what claims took from it while the audience was inserted. */
    private long release(String scope, long scopeId, String reason, Long actorId, String note) {
        List<Map<String, Object>> released = jdbc.queryForList("""
                UPDATE tasks t SET quota_reserved = 0
                  FROM (SELECT id, owner_id, quota_reserved FROM tasks
                         WHERE %s AND quota_reserved > 0 ORDER BY id FOR UPDATE) o
                 WHERE t.id = o.id
                RETURNING t.id, o.owner_id, o.quota_reserved - %s AS unused
                """.formatted(scope, CLAIMED_ON_RESERVATION.formatted("t.id")), Map.of("scope", scopeId));
        long total = 0;
        for (Map<String, Object> r : released) {
            long amount = ((Number) r.get("unused")).longValue();
            if (amount > 0) {
                ledger.credit(((Number) r.get("owner_id")).longValue(), amount, reason,
                        reference(((Number) r.get("id")).longValue()), actorId, note);
                total += amount;
            }
        }
        return total;
    }

    // --- while the audience is inserted: claims spend the reservation (issue 12) -----------------------------------

    /** What claims took from the task {@code %s}'s reservation (an SQL expression). */
    private static final String CLAIMED_ON_RESERVATION =
            "coalesce((SELECT p.claimed_on_reservation FROM task_claim_positions p WHERE p.task_id = %s), 0)";

    /**
     * How many more deliveries a started task whose audience is still being inserted may claim: its reservation less
     * what claims took from it. The claim asks under the claim position's lock (claims of a task take turns on it)
     * and the task row's share lock (which the reconciliation and a release take exclusively), so no two claims spend
     * the same unit and none spends one that was given back.
     */
    public long reservationLeft(long taskId) {
        Long left = jdbc.queryForObject("SELECT quota_reserved - " + CLAIMED_ON_RESERVATION.formatted(":id")
                + " FROM tasks WHERE id = :id", Map.of("id", taskId), Long.class);
        return left == null ? 0 : Math.max(0, left);
    }

    /**
     * Whether the quota lets the task {@code t} (an alias of tasks) be claimed from now (an SQL condition): always
     * once its audience is in, and before that while its reservation is not spent. A service that finds nothing it
     * may claim treats the task as drained, and gets its demand again once the audience is in.
     */
    public static String quotaLetsClaim(String t) {
        return "(" + t + ".audience_size IS NOT NULL OR " + t + ".quota_reserved > "
                + CLAIMED_ON_RESERVATION.formatted(t + ".id") + ")";
    }

    /** A claim took {@code n} deliveries (sent or skipped alike) while the task's audience was being inserted. */
    public void spendReservation(long taskId, long n) {
        jdbc.update("UPDATE task_claim_positions SET claimed_on_reservation = claimed_on_reservation + :n"
                + " WHERE task_id = :id", Map.of("n", n, "id", taskId));
    }

    /** {@code n} such deliveries were handed back unsent, PENDING again: the reservation covers them again. */
    public void returnToReservation(long taskId, long n) {
        jdbc.update("UPDATE task_claim_positions SET claimed_on_reservation = claimed_on_reservation - :n"
                + " WHERE task_id = :id", Map.of("n", n, "id", taskId));
    }

    public long claimedOnReservation(long taskId) {
        Long n = jdbc.queryForObject("SELECT " + CLAIMED_ON_RESERVATION.formatted(":id"), Map.of("id", taskId),
                Long.class);
        return n == null ? 0 : n;
    }

    // --- after the start: the PENDING deliveries ---------------------------------------------------------------------

    /**
     * The PENDING deliveries of the task {@code :id}: its pending queue, from its claim position on (PendingQueue).
     */
    public static final String PENDING_COUNT = "SELECT count(*) FROM deliveries d WHERE "
            + PendingQueue.fromPosition("d", ":id") + " AND d.claim_token IS NULL";

    public long pendingDeliveries(long taskId) {
        Long n = jdbc.queryForObject(PENDING_COUNT, Map.of("id", taskId), Long.class);
        return n == null ? 0 : n;
    }

    /**
     * The audience is in: the reservation becomes the actual audience, its {@code pending} deliveries (PENDING now)
     * and those claims already took from the reservation. The difference is refunded or charged (TASK_RECONCILE).
     * If the extra cannot be charged, the unused reservation goes back (the task will be paused for want of quota,
     * holding exactly what its claims used) and false is returned.
     */
    public boolean reconcileAtStart(long taskId, long ownerId, long pending) {
        Long reserved = jdbc.queryForObject("SELECT quota_reserved FROM tasks WHERE id = :id", Map.of("id", taskId),
                Long.class);
        long held = reserved == null ? 0 : reserved;
        long claimed = claimedOnReservation(taskId);
        long audience = pending + claimed;
        jdbc.update("UPDATE tasks SET quota_reserved = 0 WHERE id = :id", Map.of("id", taskId));
        String sentEarly = claimed == 0 ? "" : " (" + claimed + " of them claimed while it was being inserted)";
        try {
            ledger.change(ownerId, held - audience, QuotaLedger.TASK_RECONCILE, reference(taskId), null,
                    "started: reserved " + held + ", actual audience " + audience + sentEarly);
            return true;
        } catch (QuotaShortfallException e) {
            if (held - claimed > 0) {
                ledger.credit(ownerId, held - claimed, QuotaLedger.PAUSE_REFUND, reference(taskId), null,
                        "started with " + audience + " to send" + sentEarly + " but only " + (held + e.balance())
                                + " quota: unused reservation returned, task paused ("
                                + PauseReason.NO_USER_QUOTA.text() + ")");
            }
            return false;
        }
    }

    /** Charges the task's PENDING deliveries; false (nothing written) when the balance cannot cover them. */
    public boolean reservePending(long taskId, long ownerId, String reason, Long actorId, String note) {
        try {
            ledger.debit(ownerId, pendingDeliveries(taskId), reason, reference(taskId), actorId, note);
            return true;
        } catch (QuotaShortfallException e) {
            return false;
        }
    }

    /** Refunds {@code count} units the task held (its PENDING deliveries as they were when counted). */
    public void refund(long taskId, long ownerId, long count, String reason, String note) {
        ledger.credit(ownerId, count, reason, reference(taskId), null, note);
    }

    /**
     * Whether a task in this state holds exactly its PENDING deliveries' quota, so that a PENDING delivery cancelled,
     * or the task's move to a state that does not hold, refunds per delivery: it holds quota
     * ({@link TaskStatus#holdsQuota}) and its audience is resolved. While {@code audienceSize} is NULL a started task
     * holds its reservation instead, which counts those deliveries already (see the class comment).
     */
    public static boolean holdsPending(String status, String pauseReason, Integer audienceSize) {
        return audienceSize != null && TaskStatus.holdsQuota(status, pauseReason);
    }

    /**
     * A started task moved from one state to another under the caller's row lock: a holding task that stops holding
     * refunds its PENDING deliveries, a task that starts holding again is charged them. Returns false when the charge
     * failed (nothing written): the caller must not let the task hold.
     */
    public boolean settle(long taskId, long ownerId, boolean heldBefore, boolean holdsAfter, String reason,
                          String note) {
        if (heldBefore == holdsAfter) {
            return true;
        }
        if (heldBefore) {
            refund(taskId, ownerId, pendingDeliveries(taskId), reason, note);
            return true;
        }
        return reservePending(taskId, ownerId, reason, null, note);
    }
}
