package org.edm.domain.contact;

import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.PendingQueue;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Where an owner's address becomes suppressed (INV-7): a GDPR erase, an unsubscribe (link, one-click POST, a
 * provider's unsubscribe or complaint event) and a hard bounce (provider webhook, the IMAP mailbox poller) all come
 * here. Besides the suppression row, it stops, in the same transaction, every delivery to the contact that no provider
 * has been handed yet: the PENDING ones and the ones a send batch has claimed but whose group is not yet marked
 * attempted (SENDING, {@code attempted_at} null). The batch still holds such a delivery's address in memory, but its
 * lane learns from the mark which ids are still its own to send (the mark requires SENDING and not attempted), so
 * the stopped one is not sent, and the mark, the send path's hottest statement, reads nothing more per row.
 *
 * <p>Row locks decide the race with the lane: a suppression that commits before a group's mark stops the delivery
 * (the mark waits for its row lock, then finds it no longer SENDING); one whose update comes after the mark finds the
 * delivery attempted and leaves it (its one mail may be on its way already, it cannot be taken back). With a claim it
 * is the same: the claim that locked the row first is waited for and its delivery stopped as a claimed one; a claim
 * that comes second finds the row no longer unclaimed.
 *
 * <p>Quota (INV-1), as the existing paths do: a claimed delivery's unit was consumed by its claim, so stopping it
 * refunds the owner's unit as a claim-time skip does (SKIP_REFUND; {@code used_today} of the service stays spent, which
 * can only make it send less); a PENDING one refunds only when its task holds quota for its PENDING deliveries
 * ({@link TaskQuota#holdsPending}), its tasks' rows locked first as pause and cancel lock them.
 *
 * <p>Must run in the caller's transaction, so that the suppression and the stops commit together.
 */
@Component
public class AddressSuppression {

    /** GDPR erase: PENDING deliveries end CANCELLED, claimed ones SKIPPED, both with skip reason ERASED. */
    public static final String ERASED = "ERASED";
    /** Unsubscribe or complaint: deliveries end SKIPPED, reason SUPPRESSED (as the claim's own verdict). */
    public static final String UNSUBSCRIBED = "UNSUBSCRIBED";
    /** Hard bounce: deliveries end SKIPPED, reason SUPPRESSED (as the claim's own verdict). */
    public static final String BOUNCED = "BOUNCED";

    private final NamedParameterJdbcTemplate jdbc;
    private final TaskQuota quota;

    @Autowired
    public AddressSuppression(NamedParameterJdbcTemplate jdbc, TaskQuota quota) {
        this.jdbc = jdbc;
        this.quota = quota;
    }

    public AddressSuppression(NamedParameterJdbcTemplate jdbc) {
        this(jdbc, new TaskQuota(jdbc));
    }

    /** What {@link #suppress} stopped: deliveries that were PENDING, and deliveries claimed but not yet attempted. */
    public record Stopped(int pending, int claimed) {
        public int total() {
            return pending + claimed;
        }
    }

    /**
     * Suppresses the address of the owner's contact (its SHA-256, lower-cased) for {@code reason} ({@link #ERASED},
     * {@link #UNSUBSCRIBED}, {@link #BOUNCED}) and stops its deliveries that were not handed to a provider. An erase
     * overwrites an earlier reason; an unsubscribe or bounce keeps the first one. A contact that no longer exists is
     * suppressed nowhere and stops nothing.
     */
    public Stopped suppress(long ownerId, long contactId, String reason) {
        MapSqlParameterSource p = new MapSqlParameterSource()
                .addValue("owner", ownerId)
                .addValue("contact", contactId)
                .addValue("reason", reason)
                .addValue("skipReason", ERASED.equals(reason) ? ERASED : "SUPPRESSED")
                .addValue("pendingStatus", ERASED.equals(reason) ? "CANCELLED" : "SKIPPED")
                .addValue("noClaim", PendingQueue.NO_CLAIM);
        jdbc.update("""
                INSERT INTO suppressions (owner_id, email_hash, reason)
                SELECT :owner, sha256(convert_to(lower(c.email), 'UTF8')), :reason FROM contacts c WHERE c.id = :contact
                ON CONFLICT (owner_id, email_hash) DO
                """ + (ERASED.equals(reason) ? " UPDATE SET reason = EXCLUDED.reason" : " NOTHING"), p);
        // the tasks first, in id order, as pause, cancel and the claim (FOR SHARE) take them: no claim takes one of
        // these deliveries while they are stopped, and a pause or cancel counting PENDING ones sees them stopped
        Map<Long, Map<String, Object>> tasks = new HashMap<>();
        jdbc.queryForList("""
                SELECT id, owner_id, status, pause_reason, audience_size FROM tasks
                 WHERE id IN (SELECT task_id FROM deliveries
                               WHERE contact_id = :contact
                                 AND (claim_token IS NULL OR (status = 'SENDING' AND attempted_at IS NULL)))
                 ORDER BY id FOR UPDATE
                """, p).forEach(row -> tasks.put(((Number) row.get("id")).longValue(), row));
        if (tasks.isEmpty()) {
            return new Stopped(0, 0);
        }
        // "was" is read under the row lock (FOR UPDATE returns the newest version): a row a claim or a mark changed
        // meanwhile is judged as it is now. A claimed one keeps its claim token (its batch counts it SKIPPED, not
        // claimed); a PENDING one takes the no-claim marker, as every delivery that ends without a claim does.
        List<Map<String, Object>> stopped = jdbc.queryForList("""
                WITH target AS (
                    SELECT id, status AS was FROM deliveries
                     WHERE contact_id = :contact
                       AND (claim_token IS NULL OR (status = 'SENDING' AND attempted_at IS NULL))
                     ORDER BY id
                       FOR UPDATE
                )
                UPDATE deliveries d
                   SET status = CASE WHEN t.was = 'PENDING' THEN :pendingStatus ELSE 'SKIPPED' END,
                       skip_reason = :skipReason,
                       claim_token = CASE WHEN t.was = 'PENDING' THEN :noClaim ELSE d.claim_token END,
                       sender_service_id = NULL,
                       updated_at = now()
                  FROM target t
                 WHERE d.id = t.id
                RETURNING d.task_id, t.was
                """, p);
        int pending = 0;
        int claimed = 0;
        Map<Long, int[]> perTask = new HashMap<>();
        for (Map<String, Object> row : stopped) {
            long taskId = ((Number) row.get("task_id")).longValue();
            int[] n = perTask.computeIfAbsent(taskId, id -> new int[2]);
            if ("PENDING".equals(row.get("was"))) {
                n[0]++;
                pending++;
            } else {
                n[1]++;
                claimed++;
            }
        }
        for (Map.Entry<Long, int[]> e : perTask.entrySet()) {
            Map<String, Object> task = tasks.get(e.getKey());
            long owner = ((Number) task.get("owner_id")).longValue();
            int pendingOf = e.getValue()[0];
            int claimedOf = e.getValue()[1];
            // a task whose audience is still being inserted holds its reservation, which its start turns into the
            // PENDING deliveries it then counts, this one no longer among them: nothing to refund for a PENDING one
            if (pendingOf > 0 && TaskQuota.holdsPending((String) task.get("status"), (String) task.get("pause_reason"),
                    (Integer) task.get("audience_size"))) {
                quota.refund(e.getKey(), owner, pendingOf,
                        ERASED.equals(reason) ? QuotaLedger.CANCEL_REFUND : QuotaLedger.SKIP_REFUND,
                        ERASED.equals(reason) ? "a recipient was erased" : "a recipient was suppressed ("
                                + reason.toLowerCase() + ")");
            }
            if (claimedOf > 0) {
                quota.refund(e.getKey(), owner, claimedOf, QuotaLedger.SKIP_REFUND,
                        "claimed but not yet sent when its recipient was " + (ERASED.equals(reason) ? "erased"
                                : "suppressed (" + reason.toLowerCase() + ")"));
            }
        }
        return new Stopped(pending, claimed);
    }
}
