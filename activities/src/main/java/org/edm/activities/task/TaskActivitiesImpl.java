package org.edm.activities.task;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.failure.ApplicationFailure;
import org.edm.activities.delivery.DeliveryProperties;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceState;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.edm.workflows.sender.TaskDemand;
import org.edm.workflows.task.DeliveryCounts;
import org.edm.workflows.task.TaskActivities;
import org.edm.workflows.task.TaskAudience;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.sql.Timestamp;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Component("taskActivities")
public class TaskActivitiesImpl implements TaskActivities {

    private static final Logger log = LoggerFactory.getLogger(TaskActivitiesImpl.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> NOT_STARTED = List.of("DRAFT", "SCHEDULED");
    private static final List<String> NOT_ENDED = List.of("DRAFT", "SCHEDULED", "SENDING", "PAUSED");

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final TaskTransitions transitions;
    private final WorkflowClient workflowClient;
    private final DeliveryProperties deliveryProperties;

    private org.edm.activities.delivery.TaskSendabilityCheck sendability;

    public TaskActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, TaskTransitions transitions,
                              WorkflowClient workflowClient, DeliveryProperties deliveryProperties) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.transitions = transitions;
        this.workflowClient = workflowClient;
        this.deliveryProperties = deliveryProperties;
    }

    @Override
    public TaskAudience materializeDeliveries(long taskId) {
        return tx.execute(status -> {
            TaskRow task = lockTask(taskId);
            if (NOT_STARTED.contains(task.status())) {
                transitions.moveTask(taskId, NOT_STARTED, "SENDING", "plan time reached: audience materialised",
                        TaskTransitions.TaskChange.startSending());
            }
            // The audience is resolved once, in the same transaction that starts the task. A later run of the task's
            // workflow (a retry of failed deliveries, or a task already paused/cancelled) adds nobody new: contacts
            // added since then were never part of this send.
            if (NOT_STARTED.contains(task.status())) {
                insertDeliveries(task);
            }
            Map<String, Object> counts = jdbc.queryForMap("""
                    SELECT count(*) AS total, count(*) FILTER (WHERE status = 'PENDING') AS pending
                      FROM deliveries WHERE task_id = :taskId
                    """, Map.of("taskId", taskId));
            int total = ((Number) counts.get("total")).intValue();
            int pending = ((Number) counts.get("pending")).intValue();
            jdbc.update("UPDATE tasks SET audience_size = :total, updated_at = now() WHERE id = :taskId",
                    Map.of("total", total, "taskId", taskId));
            log.info("task {} audience materialised: {} deliveries, {} pending", taskId, total, pending);
            return new TaskAudience(taskId, task.ownerId(), task.createdAt().getTime(), total, pending);
        });
    }

    /**
     * One statement for the whole audience, so a million contacts cost one round trip. The template is drawn per
     * row inside PostgreSQL (uniform over the set); ON CONFLICT keeps rows, tokens and templates of an earlier
     * attempt, which makes the activity idempotent. Suppressed addresses are recorded as SKIPPED rather than left
     * out, so the audience size explains itself (INV-4, INV-7).
     */
    private void insertDeliveries(TaskRow task) {
        RecipientRule rule;
        try {
            rule = RecipientRule.parse(task.recipientRule());
        } catch (IllegalArgumentException e) {
            throw ApplicationFailure.newNonRetryableFailure(e.getMessage(), "InvalidRecipientRule");
        }
        Integer templates = jdbc.queryForObject(
                "SELECT count(*) FROM template_set_items WHERE template_set_id = :setId",
                Map.of("setId", task.templateSetId()), Integer.class);
        if (templates == null || templates == 0) {
            throw ApplicationFailure.newNonRetryableFailure(
                    "template set " + task.templateSetId() + " of task " + task.id() + " has no templates",
                    "EmptyTemplateSet");
        }
        String sql = """
                WITH template_choice AS (
                    SELECT array_agg(template_id ORDER BY position, template_id) AS ids
                      FROM template_set_items WHERE template_set_id = :templateSetId
                )
                INSERT INTO deliveries (task_id, contact_id, template_id, status, skip_reason, token)
                SELECT :taskId,
                       c.id,
                       tc.ids[1 + floor(random() * cardinality(tc.ids))::int],
                       CASE WHEN s.id IS NULL THEN 'PENDING' ELSE 'SKIPPED' END,
                       CASE WHEN s.id IS NULL THEN NULL ELSE 'SUPPRESSED' END,
                       replace(gen_random_uuid()::text, '-', '')
                  FROM contacts c
                 CROSS JOIN template_choice tc
                  LEFT JOIN suppressions s
                         ON s.owner_id = c.owner_id AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))
                  LEFT JOIN campaign_contact_labels l
                         ON l.campaign_id = :campaignId AND l.contact_id = c.id
                 WHERE c.owner_id = :ownerId
                   %s
                ON CONFLICT (task_id, contact_id) DO NOTHING
                """.formatted(rule.sqlConditions());
        int inserted = jdbc.update(sql, new MapSqlParameterSource()
                .addValue("templateSetId", task.templateSetId())
                .addValue("taskId", task.id())
                .addValue("ownerId", task.ownerId())
                .addValue("campaignId", task.campaignId())
                .addValue("include", rule.includeTags().toArray(String[]::new))
                .addValue("exclude", rule.excludeTags().toArray(String[]::new)));
        log.debug("task {}: {} new deliveries", task.id(), inserted);
    }

    @Override
    public int publishDemand(TaskDemand demand) {
        List<Long> services = jdbc.queryForList("""
                SELECT s.id
                  FROM user_sender_service_access a
                  JOIN sender_services s ON s.id = a.sender_service_id
                 WHERE a.user_id = :ownerId AND s.enabled AND s.health_status = 'ACTIVE'
                 ORDER BY s.id
                """, Map.of("ownerId", demand.ownerId()), Long.class);
        for (long serviceId : services) {
            // Signal-with-start: the service's workflow may not run yet (first task ever, or it was terminated);
            // either way exactly one run per service exists afterwards, because the workflow id is the service id.
            SenderServiceWorkflow service = workflowClient.newWorkflowStub(SenderServiceWorkflow.class,
                    WorkflowOptions.newBuilder()
                            .setWorkflowId(WorkflowIds.senderService(serviceId))
                            .setTaskQueue(TaskQueues.EDM)
                            .setTypedSearchAttributes(SearchAttributes.newBuilder()
                                    .set(EdmSearchAttributes.SENDER_SERVICE_ID, serviceId)
                                    .build())
                            .build());
            BatchRequest request = workflowClient.newSignalWithStartRequest();
            request.add(service::run, SenderServiceState.fresh(serviceId));
            request.add(service::demand, demand);
            workflowClient.signalWithStart(request);
        }
        log.info("task {}: demand published to {} sender service(s)", demand.taskId(), services.size());
        return services.size();
    }

    @Override
    public DeliveryCounts countDeliveries(long taskId) {
        settleAbandonedClaims(taskId);
        return jdbc.queryForObject("""
                SELECT count(*) FILTER (WHERE status = 'PENDING')   AS pending,
                       count(*) FILTER (WHERE status = 'SENDING')   AS sending,
                       count(*) FILTER (WHERE status = 'SENT')      AS sent,
                       count(*) FILTER (WHERE status = 'FAILED')    AS failed,
                       count(*) FILTER (WHERE status = 'UNKNOWN')   AS unknown,
                       count(*) FILTER (WHERE status = 'CANCELLED') AS cancelled,
                       count(*) FILTER (WHERE status = 'SKIPPED')   AS skipped
                  FROM deliveries WHERE task_id = :taskId
                """, Map.of("taskId", taskId), (rs, i) -> new DeliveryCounts(rs.getLong("pending"),
                rs.getLong("sending"), rs.getLong("sent"), rs.getLong("failed"), rs.getLong("unknown"),
                rs.getLong("cancelled"), rs.getLong("skipped")));
    }

    /**
     * A send activity normally settles its own claim, even across retries. One that is gone for good (retries
     * exhausted, its workflow terminated) leaves SENDING rows behind that would keep the task from ever finishing.
     * Untouched for {@code edm.delivery.stale-claim-after}, they are settled here: never attempted goes back to
     * PENDING (a later batch sends it), attempted goes to UNKNOWN (it may have been sent: INV-3). The claim token
     * is cleared on the PENDING ones, so a late zombie of the old activity can no longer mark them attempted.
     */
    private void settleAbandonedClaims(long taskId) {
        int settled = jdbc.update("""
                UPDATE deliveries
                   SET status = CASE WHEN attempted_at IS NULL THEN 'PENDING' ELSE 'UNKNOWN' END,
                       claim_token = CASE WHEN attempted_at IS NULL THEN NULL ELSE claim_token END,
                       sender_service_id = CASE WHEN attempted_at IS NULL THEN NULL ELSE sender_service_id END,
                       error = CASE WHEN attempted_at IS NULL THEN error
                                    ELSE 'outcome unknown: the send activity was abandoned after calling the provider' END,
                       updated_at = now()
                 WHERE task_id = :taskId AND status = 'SENDING'
                   AND updated_at < now() - make_interval(secs => :staleSeconds)
                """, new MapSqlParameterSource()
                .addValue("taskId", taskId)
                .addValue("staleSeconds", (double) deliveryProperties.staleClaimAfter().toSeconds()));
        if (settled > 0) {
            log.warn("task {}: settled {} deliveries of abandoned send activities", taskId, settled);
        }
    }

    @Override
    public void finishTask(long taskId) {
        DeliveryCounts counts = countDeliveries(taskId);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("total", counts.total());
        summary.put("sent", counts.sent());
        summary.put("failed", counts.failed());
        summary.put("unknown", counts.unknown());
        summary.put("cancelled", counts.cancelled());
        summary.put("skipped", counts.skipped());
        summary.put("pending", counts.pending());
        summary.put("sending", counts.sending());
        String json;
        try {
            json = JSON.writeValueAsString(summary);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        boolean moved = transitions.moveTask(taskId, NOT_ENDED, "FINISHED",
                "every delivery reached a final state: " + json, TaskTransitions.TaskChange.finish(json));
        if (moved) {
            log.info("task {} finished: {}", taskId, json);
        }
    }

    /**
     * An operator pause replaces any pause reason (a system one included) and a system pause replaces an operator's
     * only through this same method: either way the change is an execution-log row.
     */
    @Override
    public boolean pauseTask(long taskId, String reason) {
        return Boolean.TRUE.equals(tx.execute(status -> {
            transitions.moveTask(taskId, List.of("SENDING", "PAUSED"), "PAUSED", reason,
                    TaskTransitions.TaskChange.pause(reason));
            return "PAUSED".equals(lockTask(taskId).status());
        }));
    }

    @Override
    public boolean resumeTask(long taskId, String reason) {
        return transitions.moveTask(taskId, List.of("PAUSED"), "SENDING", reason, TaskTransitions.TaskChange.resume());
    }

    @Override
    public long cancelTask(long taskId, String reason) {
        Long cancelled = tx.execute(status -> {
            lockTask(taskId);
            int unsent = jdbc.update("""
                    UPDATE deliveries SET status = 'CANCELLED', updated_at = now()
                     WHERE task_id = :taskId AND status = 'PENDING'
                    """, Map.of("taskId", taskId));
            transitions.moveTask(taskId, NOT_ENDED, "CANCELLED",
                    reason + " (" + unsent + " unsent deliveries cancelled)", TaskTransitions.TaskChange.cancel());
            return (long) unsent;
        });
        log.info("task {} cancelled: {} unsent deliveries cancelled", taskId, cancelled);
        return cancelled == null ? 0 : cancelled;
    }

    /** Set by Spring; without it (hand-wired tests) a task is never paused for want of a sender service. */
    @org.springframework.beans.factory.annotation.Autowired(required = false)
    public void useSendabilityCheck(org.edm.activities.delivery.TaskSendabilityCheck check) {
        this.sendability = check;
    }

    @Override
    public org.edm.workflows.sender.TaskSendability refreshSendability(long taskId) {
        return sendability == null ? new org.edm.workflows.sender.TaskSendability("UNCHECKED", null, false, 0)
                : sendability.refresh(taskId);
    }

    /** The quota issue wires the refund of the user's reserved quota here; until then the figure is only logged. */
    @Override
    public void refundUnsentQuota(long taskId, long cancelledDeliveries) {
        log.info("task {}: {} cancelled deliveries to refund to the owner's quota (refund not wired yet)", taskId,
                cancelledDeliveries);
    }

    private TaskRow lockTask(long taskId) {
        List<TaskRow> rows = jdbc.query("""
                SELECT id, campaign_id, owner_id, status, recipient_rule::text AS rule, template_set_id, created_at
                  FROM tasks WHERE id = :taskId FOR UPDATE
                """, Map.of("taskId", taskId), (rs, i) -> new TaskRow(rs.getLong("id"), rs.getLong("campaign_id"), rs.getLong("owner_id"),
                rs.getString("status"), rs.getString("rule"), rs.getLong("template_set_id"),
                rs.getTimestamp("created_at")));
        if (rows.isEmpty()) {
            throw ApplicationFailure.newNonRetryableFailure("task " + taskId + " does not exist", "TaskNotFound");
        }
        return rows.get(0);
    }

    private record TaskRow(long id, long campaignId, long ownerId, String status, String recipientRule, long templateSetId,
                           Timestamp createdAt) {
    }
}
