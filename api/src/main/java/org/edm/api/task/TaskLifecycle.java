package org.edm.api.task;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.edm.api.security.CurrentUser;
import org.edm.api.sendername.SenderNames;
import org.edm.api.support.ConflictException;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.domain.campaign.Campaign;
import org.edm.domain.campaign.CampaignRepository;
import org.edm.domain.campaign.CampaignStatus;
import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.Task;
import org.edm.domain.task.TaskRepository;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.task.TaskTransitions;
import org.edm.domain.task.TaskTransitions.TaskChange;
import org.edm.domain.template.TemplateSetRepository;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A single task's lifecycle over REST. Pause, resume and cancel of a started task are signals to {@code task-{id}},
 * which writes the new state to PostgreSQL (the send path reads it there). Edits (add, change, remove) are allowed
 * until the task starts sending (F15): they are written here under a row lock, and a running campaign workflow is told
 * to reload its plan. A task that has started can only be paused or cancelled.
 */
@Service
class TaskLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);

    private final TaskRepository tasks;
    private final CampaignRepository campaigns;
    private final TemplateSetRepository templateSets;
    private final TaskViews views;
    private final NamedParameterJdbcTemplate jdbc;
    private final WorkflowClient client;
    private final CurrentUser currentUser;
    private final TransactionTemplate tx;
    private final java.time.Duration queryTimeout;
    private final TaskQuota quota;
    private final SenderNames senderNames;
    private final TaskTransitions transitions;

    TaskLifecycle(TaskRepository tasks, CampaignRepository campaigns, TemplateSetRepository templateSets,
                  TaskViews views, NamedParameterJdbcTemplate jdbc, WorkflowClient client, CurrentUser currentUser,
                  PlatformTransactionManager transactionManager, org.edm.api.EdmApiProperties properties,
                  TaskQuota quota, SenderNames senderNames, TaskTransitions transitions) {
        this.transitions = transitions;
        this.quota = quota;
        this.senderNames = senderNames;
        this.queryTimeout = properties.temporal().queryTimeout();
        this.tasks = tasks;
        this.campaigns = campaigns;
        this.templateSets = templateSets;
        this.views = views;
        this.jdbc = jdbc;
        this.client = client;
        this.currentUser = currentUser;
        this.tx = new TransactionTemplate(transactionManager);
    }

    // --- edits (F15) ------------------------------------------------------------------------------------------------

    TaskView create(TaskRequest request) {
        if (request.campaignId() == null) {
            throw new InvalidInputException("campaign_id", "must not be null");
        }
        TaskView created = tx.execute(status -> {
            Campaign campaign = campaigns.lockByIdAndOwnerId(request.campaignId(), currentUser.id())
                    .orElseThrow(() -> new NotFoundException("campaign " + request.campaignId() + " not found",
                            "campaign_id"));
            if (campaign.getStatus() != CampaignStatus.DRAFT && !campaign.getStatus().isRunning()) {
                throw new ConflictException("campaign " + campaign.getId() + " is " + campaign.getStatus()
                        + "; tasks can be added to a DRAFT, ACTIVE or PAUSED campaign only");
            }
            check(request);
            Integer seq = jdbc.queryForObject("SELECT coalesce(max(seq), -1) + 1 FROM tasks WHERE campaign_id = :id",
                    Map.of("id", campaign.getId()), Integer.class);
            Task task = new Task(campaign.getId(), campaign.getOwnerId(), seq == null ? 0 : seq);
            apply(request, task);
            tasks.saveAndFlush(task);
            // F23: added to a running campaign, the task reserves its planned audience at once; added to a draft, it
            // is only checked (the campaign's activation reserves)
            if (campaign.getStatus().isRunning()) {
                quota.reservePlanned(campaign.getOwnerId(), List.of(task.getId()), currentUser.id(),
                        "task added to running campaign " + campaign.getId());
            } else {
                quota.checkPlanned(campaign.getOwnerId(), List.of(task.getRecipientRule()));
            }
            TaskView view = views.of(task);
            return view;
        });
        planChanged(created.campaignId());
        return created;
    }

    TaskView update(long id, TaskRequest request) {
        TaskView updated = tx.execute(status -> {
            Task task = lockUnstarted(id, "changed");
            if (request.campaignId() != null && request.campaignId() != task.getCampaignId()) {
                throw new InvalidInputException("campaign_id", "a task cannot move to another campaign");
            }
            check(request);
            apply(request, task);
            tasks.saveAndFlush(task);
            // F23: a task of a running campaign holds a reservation, which follows its new rule; a draft's is checked
            boolean running = campaigns.findById(task.getCampaignId()).map(c -> c.getStatus().isRunning())
                    .orElse(false);
            if (running) {
                quota.replan(id, task.getOwnerId(), task.getCampaignId(), task.getRecipientRule(), currentUser.id());
            } else {
                quota.checkPlanned(task.getOwnerId(), List.of(task.getRecipientRule()));
            }
            TaskView after = views.of(task);
            return after;
        });
        planChanged(updated.campaignId());
        return updated;
    }

    void delete(long id) {
        long campaignId = tx.execute(status -> {
            Task task = lockUnstarted(id, "deleted");
            quota.releaseTask(id, QuotaLedger.TASK_RELEASE, currentUser.id(), "task deleted before it started");
            tasks.delete(task);
            tasks.flush();
            return task.getCampaignId();
        });
        planChanged(campaignId);
    }

    private Task lockUnstarted(long id, String what) {
        TaskStatus status = lockStatus(id);
        if (status.isStarted()) {
            throw new ConflictException("task " + id + " is " + status + ": "
                    + (TaskStatus.ENDED.contains(status) ? "it has ended and cannot be " + what
                    : "it has started sending and can only be paused or cancelled, not " + what));
        }
        return tasks.findByIdAndOwnerId(id, currentUser.id()).orElseThrow(() -> NotFoundException.of("task", id));
    }

    /** Locks the task row (the task workflow locks it too when it starts) and returns its status. */
    private TaskStatus lockStatus(long id) {
        List<String> status = jdbc.queryForList("SELECT status FROM tasks WHERE id = :id AND owner_id = :owner "
                + "FOR UPDATE", Map.of("id", id, "owner", currentUser.id()), String.class);
        if (status.isEmpty()) {
            throw NotFoundException.of("task", id);
        }
        return TaskStatus.valueOf(status.get(0));
    }

    private void check(TaskRequest request) {
        Instant at = request.planTime().toInstant();
        if (at.isBefore(Instant.parse("2000-01-01T00:00:00Z")) || at.isAfter(Instant.parse("2999-12-31T23:59:59Z"))) {
            throw new InvalidInputException(List.of(new FieldProblem("plan_time", "must be between 2000 and 2999")));
        }
        if (!templateSets.existsByIdAndOwnerId(request.templateSetId(), currentUser.id())) {
            throw new NotFoundException("template set " + request.templateSetId() + " not found", "template_set_id");
        }
        senderNames.requireOwn(request.senderName(), "sender_name");
    }

    private static void apply(TaskRequest request, Task task) {
        task.setName(request.name().trim());
        task.setPlanTime(request.planTime().toInstant());
        task.setRecipientRule(request.recipientRule().toStoredJson());
        task.setTemplateSetId(request.templateSetId());
        task.setSenderName(request.senderName());
    }

    /**
     * Tells a running campaign workflow to reload its plan. A draft campaign has no workflow yet and a finished one
     * none any more; either way there is nothing to tell.
     */
    private void planChanged(long campaignId) {
        try {
            client.newWorkflowStub(CampaignWorkflow.class, WorkflowIds.campaign(campaignId)).planChanged();
        } catch (WorkflowNotFoundException notRunning) {
            log.debug("campaign-{} is not running; its plan is read when it starts", campaignId);
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("the change is saved, but campaign " + campaignId
                    + " could not be told to re-plan (Temporal unreachable?); repeat the request to retry", e);
        }
    }

    // --- pause, resume, cancel ---------------------------------------------------------------------------------------

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
            TaskStatus current = lockStatus(id);
            if (TaskStatus.ENDED.contains(current)) {
                throw new ConflictException("task " + id + " is " + current + "; it has already ended");
            }
            if (current.isStarted()) {
                return null;
            }
            quota.releaseTask(id, QuotaLedger.CANCEL_REFUND, currentUser.id(), why + " before it started");
            transitions.moveTask(id, TaskStatus.NOT_STARTED, TaskStatus.CANCELLED, why + " before it started",
                    TaskChange.cancel());
            return tasks.findByIdAndOwnerId(id, currentUser.id()).orElseThrow();
        });
        if (unstarted != null) {
            planChanged(unstarted.getCampaignId());
            return view(id);
        }
        return signalRunning(id, "CANCEL", why, task -> task.cancel(why));
    }

    private TaskView signalRunning(long id, String action, String why, Consumer<TaskWorkflow> signal) {
        Task task = find(id);
        if (!TaskStatus.RUNNING.contains(task.getStatus())) {
            throw new ConflictException("task " + id + " is " + task.getStatus() + "; only a SENDING or PAUSED task "
                    + "can be " + past(action) + (task.getStatus().isStarted() ? ""
                    : " (a task that has not started can be re-timed, deleted or cancelled)"));
        }
        try {
            signal.accept(client.newWorkflowStub(TaskWorkflow.class, WorkflowIds.task(id)));
        } catch (WorkflowNotFoundException gone) {
            throw new ConflictException("task " + id + " has no running workflow; nothing to " + action.toLowerCase());
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not signal " + action.toLowerCase() + " to task " + id
                    + " (Temporal unreachable?); nothing changed, try again", e);
        }
        return view(id);
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
            TaskStatus current = lockStatus(id);
            if (current != TaskStatus.FINISHED && !TaskStatus.RUNNING.contains(current)) {
                throw new ConflictException("task " + id + " is " + current
                        + "; failed deliveries can be retried for a SENDING, PAUSED or FINISHED task");
            }
            chargeRetry(id, current);
            int count = jdbc.update("""
                    UPDATE deliveries SET status = 'PENDING', claim_token = NULL, attempted_at = NULL,
                                          sender_service_id = NULL, updated_at = now()
                     WHERE task_id = :id AND status = 'FAILED'
                    """, Map.of("id", id));
            if (count == 0) {
                throw new ConflictException("task " + id + " has no failed deliveries to retry");
            }
            String why = "retry by operator: " + count + " failed deliveries back to pending";
            if (current == TaskStatus.FINISHED) {
                transitions.moveTask(id, List.of(TaskStatus.FINISHED), TaskStatus.SENDING, why, TaskChange.reopen());
            } else {
                transitions.note(id, current, why);
            }
            long campaignId = tasks.findByIdAndOwnerId(id, currentUser.id()).orElseThrow().getCampaignId();
            handOffRetry(id, campaignId, current);
        });
        return view(id);
    }

    /** Inside the retry's transaction: any failure here rolls the retry back. */
    private void handOffRetry(long id, long campaignId, TaskStatus before) {
        try {
            if (before != TaskStatus.FINISHED) {
                try {
                    client.newWorkflowStub(TaskWorkflow.class, WorkflowIds.task(id)).deliveriesReopened();
                    return;
                } catch (WorkflowNotFoundException gone) {
                    log.info("task-{} has no open run; starting one for the retry", id);
                }
            }
            startRun(id, campaignId);
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

    private void startRun(long taskId, long campaignId) {
        Task task = find(taskId);
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(taskId))
                .setTaskQueue(TaskQueues.EDM)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(SearchAttributes.newBuilder()
                        .set(EdmSearchAttributes.CAMPAIGN_ID, campaignId)
                        .set(EdmSearchAttributes.TASK_ID, taskId)
                        .set(EdmSearchAttributes.OWNER_ID, String.valueOf(task.getOwnerId()))
                        .build())
                .build();
        try {
            WorkflowClient.start(client.newWorkflowStub(TaskWorkflow.class, options)::run,
                    new TaskInput(taskId, campaignId));
        } catch (WorkflowExecutionAlreadyStarted stillOpen) {
            // the earlier run is past finishTask (the task was FINISHED) but has not closed yet: it will not look at
            // the reopened deliveries, so it is replaced by a run that will
            client.newUntypedWorkflowStub(WorkflowIds.task(taskId)).terminate("replaced by a retry of failed deliveries");
            WorkflowClient.start(client.newWorkflowStub(TaskWorkflow.class, options)::run,
                    new TaskInput(taskId, campaignId));
        }
    }

    // --- reads --------------------------------------------------------------------------------------------------------

    List<TaskLogEntry> log(long id) {
        find(id);
        return jdbc.query("""
                SELECT id, from_status, to_status, reason, at FROM task_execution_log WHERE task_id = :id ORDER BY id
                """, Map.of("id", id), (rs, i) -> new TaskLogEntry(rs.getLong("id"), rs.getString("from_status"),
                rs.getString("to_status"), rs.getString("reason"), rs.getTimestamp("at").toInstant()));
    }

    /**
     * The task's FAILED deliveries as CSV (email, nickname, error, time), written row by row from the cursor so a
     * long list is never held in memory.
     */
    void writeFailures(long id, java.io.Writer out) throws java.io.IOException {
        try (org.apache.commons.csv.CSVPrinter csv = org.apache.commons.csv.CSVFormat.DEFAULT.builder()
                .setHeader("email", "nickname", "error", "time").get().print(out)) {
            jdbc.query("""
                    SELECT c.email, c.nickname, d.error, d.updated_at
                      FROM deliveries d LEFT JOIN contacts c ON c.id = d.contact_id
                     WHERE d.task_id = :id AND d.status = 'FAILED'
                     ORDER BY d.id
                    """, Map.of("id", id), rs -> {
                try {
                    csv.printRecord(rs.getString("email"), rs.getString("nickname"), rs.getString("error"),
                            rs.getTimestamp("updated_at").toInstant().toString());
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }
    }

    TaskProgressView progress(long id) {
        TaskView task = view(id);
        List<TaskProgressView.TemplateCount> byTemplate = jdbc.query("""
                SELECT d.template_id, t.name, count(*) AS total,
                       count(*) FILTER (WHERE d.status = 'SENT') AS sent,
                       count(*) FILTER (WHERE d.status = 'FAILED') AS failed
                  FROM deliveries d LEFT JOIN templates t ON t.id = d.template_id
                 WHERE d.task_id = :id
                 GROUP BY d.template_id, t.name ORDER BY d.template_id
                """, Map.of("id", id), (rs, i) -> new TaskProgressView.TemplateCount(
                (Long) rs.getObject("template_id", Long.class), rs.getString("name"), rs.getLong("total"),
                rs.getLong("sent"), rs.getLong("failed")));
        TaskProgressView.Live live = null;
        String note = null;
        if (TaskStatus.RUNNING.contains(task.status())) {
            try {
                org.edm.workflows.task.TaskProgress p = queryProgress(id);
                live = new TaskProgressView.Live(p.state(), p.pauseReason(), p.audienceSize());
            } catch (RuntimeException e) {
                note = "live progress unavailable: " + e.getClass().getSimpleName();
            }
        }
        DeliveryCountsView d = task.deliveries();
        return new TaskProgressView(id, task.status(), task.pauseReason(), task.planTime(), task.actualStartTime(),
                task.actualEndTime(), task.audienceSize(), d.sent() + d.failed() + d.unknown(), d, byTemplate, live,
                note);
    }

    /**
     * One raw QueryWorkflow call with a deadline (as the campaign page does): a query needs a worker to answer, and
     * this page must not hang when none polls.
     */
    private org.edm.workflows.task.TaskProgress queryProgress(long id) {
        io.temporal.api.workflowservice.v1.QueryWorkflowResponse response = client.getWorkflowServiceStubs()
                .blockingStub().withDeadlineAfter(queryTimeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                .queryWorkflow(io.temporal.api.workflowservice.v1.QueryWorkflowRequest.newBuilder()
                        .setNamespace(client.getOptions().getNamespace())
                        .setExecution(io.temporal.api.common.v1.WorkflowExecution.newBuilder()
                                .setWorkflowId(WorkflowIds.task(id)))
                        .setQuery(io.temporal.api.query.v1.WorkflowQuery.newBuilder().setQueryType("progress"))
                        .build());
        return client.getOptions().getDataConverter().fromPayloads(0,
                java.util.Optional.of(response.getQueryResult()), org.edm.workflows.task.TaskProgress.class,
                org.edm.workflows.task.TaskProgress.class);
    }

    void requireTask(long id) {
        find(id);
    }

    private Task find(long id) {
        return tasks.findByIdAndOwnerId(id, currentUser.id()).orElseThrow(() -> NotFoundException.of("task", id));
    }

    private TaskView view(long id) {
        return tx.execute(status -> views.of(find(id)));
    }
}
