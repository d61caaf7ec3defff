package org.edm.domain.quota;

import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.task.TaskTransitions;
import org.springframework.dao.EmptyResultDataAccessException;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.Map;

/**
 * Cancels one task in the caller's transaction: its row locked first (as the claim, pause and resume do), every
 * PENDING delivery CANCELLED, the task CANCELLED with an execution-log row, and the quota it held given back
 * (CANCEL_REFUND): its PENDING deliveries if it held them, its reservation if it had not started. A task the
 * operator had paused gave its PENDING deliveries back then and holds nothing now, so it is not refunded twice.
 * Deliveries already being sent finish normally. Calling it again changes nothing.
 * <p>
 * The task workflow's cancel activity uses it, and so does the api when a campaign must be cancelled although its
 * workflow is gone (terminated by hand), so both end a task the same way. It lives with the quota because it is the
 * task's way out of holding quota: the state change itself is {@link TaskTransitions}'.
 */
@Component
public class TaskCancellation {

    private final NamedParameterJdbcTemplate jdbc;
    private final TaskTransitions transitions;
    private final TaskQuota quota;

    public TaskCancellation(NamedParameterJdbcTemplate jdbc, TaskTransitions transitions, TaskQuota quota) {
        this.jdbc = jdbc;
        this.transitions = transitions;
        this.quota = quota;
    }

    /** Returns how many PENDING deliveries were cancelled. */
    public long cancel(long taskId, String reason) {
        Map<String, Object> before;
        try {
            before = jdbc.queryForMap("SELECT owner_id, status, pause_reason, audience_size FROM tasks WHERE id = :id FOR UPDATE",
                    Map.of("id", taskId));
        } catch (EmptyResultDataAccessException gone) {
            return 0;
        }
        int unsent = jdbc.update("""
                UPDATE deliveries SET status = 'CANCELLED', claim_token = :noClaim, updated_at = now()
                 WHERE task_id = :taskId AND claim_token IS NULL
                """, Map.of("taskId", taskId, "noClaim", PendingQueue.NO_CLAIM));
        transitions.moveTask(taskId, TaskStatus.NOT_ENDED, TaskStatus.CANCELLED,
                reason + " (" + unsent + " unsent deliveries cancelled)", TaskTransitions.TaskChange.cancel());
        Integer audience = (Integer) before.get("audience_size");
        if (TaskQuota.holdsPending((String) before.get("status"), (String) before.get("pause_reason"), audience)) {
            quota.refund(taskId, ((Number) before.get("owner_id")).longValue(), unsent, QuotaLedger.CANCEL_REFUND,
                    reason);
        }
        // a task not started yet, or one whose audience was still being inserted, holds its reservation instead
        quota.releaseTask(taskId, QuotaLedger.CANCEL_REFUND, null, reason + (TaskStatus.NOT_STARTED.contains(
                TaskStatus.of((String) before.get("status"))) ? " (before it started)" : " (before its audience was in)"));
        return unsent;
    }
}
