package org.edm.api.task;

import io.temporal.client.WorkflowNotFoundException;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.ConflictException;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.PendingQueue;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.task.TaskTransitions;
import org.edm.domain.task.TaskTransitions.TaskChange;
import org.edm.workflows.task.TaskWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A started task's lifecycle over REST: pause, resume and cancel are signals to {@code task-{id}}, which writes the new
 * state to PostgreSQL (the send path reads it there); a retry of failed deliveries reopens them here and hands them to
 * the task's run. A task that has not started yet is cancelled here ({@link TaskEdits} changes its plan).
 */
@Service
class TaskLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);

    private final OwnedTasks owned;
    private final TaskRuns runs;
    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final TransactionTemplate tx;
    private final TaskQuota quota;
    private final TaskTransitions transitions;

    TaskLifecycle(OwnedTasks owned, TaskRuns runs, NamedParameterJdbcTemplate jdbc, CurrentUser currentUser,
                  PlatformTransactionManager transactionManager, TaskQuota quota, TaskTransitions transitions) {
        this.owned = owned;
        this.runs = runs;
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.tx = new TransactionTemplate(transactionManager);
        this.quota = quota;
        this.transitions = transitions;
    }

    TaskView pause(long id, String reason) {
        String why = reason == null || reason.isBlank() ? "paused by operator" : "paused by operator: " + reason.trim();
        return signalRunning(id, "PAUSE", why, task -> task.pause(why));
    }

    TaskView resume(long id) {
        return signalRunning(id, "RESUME", "resumed by operator", TaskWorkflow::resume);
    }

    /**
     * A started task is cancelled by its workflow (unsent deliveries CANCELLED, quota refunded there). A task that
     * has not started is cancelled here, under the row lock the starting workflow also takes, and its campaign
     * re-plans so it never starts.
     */
    TaskView cancel(long id, String reason) {
        String why = reason == null || reason.isBlank() ? "cancelled by operator" : "cancelled by operator: "
                + reason.trim();
        Task unstarted = tx.execute(status -> {
            TaskStatus current = owned.lockStatus(id);
            if (TaskStatus.ENDED.contains(current)) {
                throw new ConflictException("task " + id + " is " + current + "; it has already ended");
            }
            if (current.isStarted()) {
                return null;
            }
            quota.releaseTask(id, QuotaLedger.CANCEL_REFUND, currentUser.id(), why + " before it started");
            transitions.moveTask(id, TaskStatus.NOT_STARTED, TaskStatus.CANCELLED, why + " before it started",
                    TaskChange.cancel());
            return owned.find(id);
        });
        if (unstarted != null) {
            runs.planChanged(unstarted.getCampaignId());
            return owned.view(id);
        }
        return signalRunning(id, "CANCEL", why, task -> task.cancel(why));
    }

    private TaskView signalRunning(long id, String action, String why, Consumer<TaskWorkflow> signal) {
        Task task = owned.find(id);
        if (!TaskStatus.RUNNING.contains(task.getStatus())) {
            throw new ConflictException("task " + id + " is " + task.getStatus() + "; only a SENDING or PAUSED task "
                    + "can be " + past(action) + (task.getStatus().isStarted() ? ""
                    : " (a task that has not started can be re-timed, deleted or cancelled)"));
        }
        try {
            runs.signal(id, signal);
        } catch (WorkflowNotFoundException gone) {
            throw new ConflictException("task " + id + " has no running workflow; nothing to " + action.toLowerCase());
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not signal " + action.toLowerCase() + " to task " + id
                    + " (Temporal unreachable?); nothing changed, try again", e);
        }
        return owned.view(id);
    }

    private static String past(String action) {
        return switch (action) {
            case "PAUSE" -> "paused";
            case "RESUME" -> "resumed";
            default -> "cancelled";
        };
    }

    // --- retry of failed deliveries ----------------------------------------------------------------------------------

    /**
     * FAILED deliveries go back to PENDING — never SENT or UNKNOWN ones (INV-3) — and the task to SENDING. Then the
     * demand is re-published: by the task's running workflow when there is one, otherwise by a new run of
     * {@code task-{id}} (the id is reused: the earlier run has closed, or is past finishing the task, which is why a
     * run still open after FINISHED is replaced).
     *
     * <p>All or nothing: the Temporal call is the last step of the transaction that charges the quota and reopens the
     * deliveries, and that transaction commits only once Temporal has taken the signal or the start. If Temporal
     * cannot be reached it rolls back: 503, and the task, its deliveries, the ledger and the log are exactly as before,
     * so the operator simply retries again (issue 11). The task workflow's activities take the task row lock this
     * transaction holds ({@code materializeDeliveries}, {@code countDeliveries}), so a run woken by the signal or the
     * start reads the reopened deliveries only once they are committed, and never reads a retry that rolled back.
     * A signal or start that reached Temporal although the client saw a timeout finds the deliveries still FAILED
     * and the task as it was: it re-publishes demand for nothing, which is harmless.
     */
    TaskView retry(long id) {
        tx.executeWithoutResult(status -> {
            TaskStatus current = owned.lockStatus(id);
            if (current != TaskStatus.FINISHED && !TaskStatus.RUNNING.contains(current)) {
                throw new ConflictException("task " + id + " is " + current
                        + "; failed deliveries can be retried for a SENDING, PAUSED or FINISHED task");
            }
            chargeRetry(id, current);
            // back below the task's claim position: it is lowered to them (PendingQueue)
            Integer count = jdbc.queryForObject("""
                    WITH reopened AS (
                    UPDATE deliveries SET status = 'PENDING', claim_token = NULL, attempted_at = NULL,
                                          sender_service_id = NULL, updated_at = now()
                     WHERE task_id = :id AND status = 'FAILED'
                    RETURNING id, status
                    ), lowered AS (""" + PendingQueue.lowerTo("reopened", ":id") + """
                    )
                    SELECT count(*) FROM reopened
                    """, Map.of("id", id), Integer.class);
            if (count == 0) {
                throw new ConflictException("task " + id + " has no failed deliveries to retry");
            }
            String why = "retry by operator: " + count + " failed deliveries back to pending";
            if (current == TaskStatus.FINISHED) {
                transitions.moveTask(id, List.of(TaskStatus.FINISHED), TaskStatus.SENDING, why, TaskChange.reopen());
            } else {
                transitions.note(id, current, why);
            }
            handOffRetry(owned.find(id), current);
        });
        return owned.view(id);
    }

    /** Inside the retry's transaction: any failure here rolls the retry back. */
    private void handOffRetry(Task task, TaskStatus before) {
        long id = task.getId();
        try {
            if (before != TaskStatus.FINISHED) {
                try {
                    runs.signal(id, TaskWorkflow::deliveriesReopened);
                    return;
                } catch (WorkflowNotFoundException gone) {
                    log.info("task-{} has no open run; starting one for the retry", id);
                }
            }
            // an earlier run still open after FINISHED is past finishTask and will not look at the reopened
            // deliveries: it is replaced by one that will
            runs.startRun(id, task.getCampaignId(), task.getOwnerId(), "replaced by a retry of failed deliveries");
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("the workflow of task " + id + " could not be started or "
                    + "signalled (Temporal unreachable?); nothing changed, retry again later", e);
        }
    }

    /**
     * F23: the failed deliveries become PENDING again, so a task that holds its PENDING deliveries (SENDING, FINISHED
     * and about to send again, or paused by the system) is charged their count first: 409 naming what is missing,
     * and nothing changes. A task paused by its operator (or for quota) is charged when it resumes.
     */
    private void chargeRetry(long id, TaskStatus current) {
        Map<String, Object> task = jdbc.queryForMap("""
                SELECT owner_id, pause_reason,
                       (SELECT count(*) FROM deliveries WHERE task_id = :id AND status = 'FAILED') AS failed
                  FROM tasks WHERE id = :id
                """, Map.of("id", id));
        String holdingStatus = (current == TaskStatus.FINISHED ? TaskStatus.SENDING : current).name();
        long failed = ((Number) task.get("failed")).longValue();
        if (failed > 0 && TaskStatus.holdsQuota(holdingStatus, (String) task.get("pause_reason"))) {
            quota.ledger().debit(((Number) task.get("owner_id")).longValue(), failed, QuotaLedger.RETRY_RESERVE,
                    TaskQuota.reference(id), currentUser.id(), "retry of " + failed + " failed deliveries");
        }
    }
}
