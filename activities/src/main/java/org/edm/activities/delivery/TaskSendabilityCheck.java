package org.edm.activities.delivery;

import org.edm.workflows.sender.TaskSendability;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * F20: a sending task whose owner has no usable sender service, or whose usable services have all used today's
 * quota, is PAUSED with the seed's reason; it goes back to SENDING by itself once a service is usable again or the
 * quota resets. A service that is only cooling (throttle) keeps the task SENDING.
 *
 * <p>Only these two system reasons are ever set or lifted here: a task an operator paused (any other reason), or
 * whose campaign is paused, is left alone.
 */
@Component
public class TaskSendabilityCheck {

    static final List<String> SYSTEM_REASONS = List.of(TaskSendability.NO_USABLE_SERVICE,
            TaskSendability.QUOTA_USED_UP);

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DeliveryClaims claims;
    private final MailProviders providers;
    private final Clock clock;

    public TaskSendabilityCheck(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, DeliveryClaims claims,
                                MailProviders providers, Clock clock) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.claims = claims;
        this.providers = providers;
        this.clock = clock;
    }

    public TaskSendability refresh(long taskId) {
        return tx.execute(status -> {
            List<Map<String, Object>> task = jdbc.queryForList("""
                    SELECT t.owner_id, t.status, t.pause_reason, c.status AS campaign_status
                      FROM tasks t JOIN campaigns c ON c.id = t.campaign_id
                     WHERE t.id = :id FOR UPDATE OF t
                    """, Map.of("id", taskId));
            if (task.isEmpty()) {
                return new TaskSendability("GONE", null, false, 0);
            }
            long ownerId = ((Number) task.get(0).get("owner_id")).longValue();
            String taskStatus = (String) task.get(0).get("status");
            String pauseReason = (String) task.get(0).get("pause_reason");
            String campaignStatus = (String) task.get(0).get("campaign_status");

            Instant now = clock.instant();
            List<DeliveryClaims.ServiceRow> usable = jdbc.queryForList("""
                            SELECT a.sender_service_id FROM user_sender_service_access a
                             WHERE a.user_id = :owner ORDER BY a.sender_service_id
                            """, Map.of("owner", ownerId), Long.class).stream()
                    .map(claims::service).flatMap(java.util.Optional::stream)
                    .filter(s -> s.usable(providers)).toList();
            String reason = null;
            long nextReset = 0;
            if (usable.isEmpty()) {
                reason = TaskSendability.NO_USABLE_SERVICE;
            } else if (usable.stream().allMatch(s -> s.remainingAt(now) == 0)) {
                reason = TaskSendability.QUOTA_USED_UP;
                nextReset = usable.stream().mapToLong(s -> s.nextResetAfter(now).toEpochMilli()).min().orElse(0);
            }

            boolean systemPaused = "PAUSED".equals(taskStatus) && SYSTEM_REASONS.contains(pauseReason);
            if (reason != null && "SENDING".equals(taskStatus)) {
                move(taskId, "SENDING", null, reason, reason);
                return new TaskSendability("PAUSED", reason, false, nextReset);
            }
            if (reason != null && systemPaused && !reason.equals(pauseReason)) {
                move(taskId, "PAUSED", pauseReason, reason, reason);
                return new TaskSendability("PAUSED", reason, false, nextReset);
            }
            if (reason == null && systemPaused && !"PAUSED".equals(campaignStatus)
                    && !"CANCELLED".equals(campaignStatus)) {
                move(taskId, "PAUSED", pauseReason, null, "a sender service can send again");
                return new TaskSendability("SENDING", null, true, 0);
            }
            return new TaskSendability(taskStatus, systemPaused ? pauseReason : null, false, nextReset);
        });
    }

    /** One guarded transition with its execution-log row (F15). */
    private void move(long taskId, String fromStatus, String fromReason, String newReason, String logReason) {
        String to = newReason == null ? "SENDING" : "PAUSED";
        jdbc.update("""
                WITH moved AS (
                    UPDATE tasks SET status = :to, pause_reason = :newReason, updated_at = now()
                     WHERE id = :id AND status = :from
                       AND coalesce(pause_reason, '') = coalesce(CAST(:fromReason AS text), '')
                 RETURNING id)
                INSERT INTO task_execution_log (task_id, from_status, to_status, reason)
                SELECT id, :from, :to, :logReason FROM moved
                """, new MapSqlParameterSource()
                .addValue("id", taskId)
                .addValue("to", to)
                .addValue("from", fromStatus)
                .addValue("fromReason", fromReason)
                .addValue("newReason", newReason)
                .addValue("logReason", logReason));
    }
}
