package org.edm.activities.delivery;

import org.edm.domain.campaign.CampaignStatus;
import org.edm.domain.task.PauseReason;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.task.TaskTransitions;
import org.edm.workflows.task.TaskSendability;
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

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final DeliveryClaims claims;
    private final MailProviders providers;
    private final Clock clock;
    private final TaskTransitions transitions;

    public TaskSendabilityCheck(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, DeliveryClaims claims,
                                MailProviders providers, Clock clock) {
        this.jdbc = jdbc;
        this.transitions = new TaskTransitions(jdbc);
        this.tx = tx;
        this.claims = claims;
        this.providers = providers;
        this.clock = clock;
    }

    /**
     * Most refreshes move nothing (a sending task whose services can send), and they decide so without the task's
     * row lock: taking it FOR UPDATE waits until no claim holds the row FOR SHARE, and while the lanes send fast the
     * claims overlap so that it waited 10-30 s at a million deliveries ({@code bin/bench 1000000 2 4}). A move
     * takes the lock and decides again under it.
     */
    public TaskSendability refresh(long taskId) {
        TaskSendability unmoved = tx.execute(status -> decide(taskId, false));
        return unmoved != null ? unmoved : tx.execute(status -> decide(taskId, true));
    }

    /** What the task's services allow; without the lock ({@code locked} false), null when the task is to move. */
    private TaskSendability decide(long taskId, boolean locked) {
        List<Map<String, Object>> task = jdbc.queryForList("""
                SELECT t.owner_id, t.status, t.pause_reason, c.status AS campaign_status
                  FROM tasks t JOIN campaigns c ON c.id = t.campaign_id
                 WHERE t.id = :id %s
                """.formatted(locked ? "FOR UPDATE OF t" : ""), Map.of("id", taskId));
        if (task.isEmpty()) {
            return new TaskSendability(TaskSendability.GONE, null, false, 0);
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
        PauseReason reason = null;
        long nextReset = 0;
        if (usable.isEmpty()) {
            reason = PauseReason.NO_USABLE_SERVICE;
        } else if (usable.stream().allMatch(s -> s.remainingAt(now) == 0)) {
            reason = PauseReason.QUOTA_USED_UP;
            nextReset = usable.stream().mapToLong(s -> s.nextResetAfter(now).toEpochMilli()).min().orElse(0);
        }

        boolean systemPaused = TaskStatus.PAUSED.is(taskStatus) && pauseReason != null
                && PauseReason.of(pauseReason).isSenderServiceReason();
        boolean pause = reason != null && TaskStatus.SENDING.is(taskStatus);
        boolean newReason = reason != null && systemPaused && !reason.is(pauseReason);
        boolean resume = reason == null && systemPaused && !CampaignStatus.PAUSED.name().equals(campaignStatus)
                && !CampaignStatus.CANCELLED.name().equals(campaignStatus);
        if (!locked && (pause || newReason || resume)) {
            return null;
        }
        if (pause) {
            transitions.moveForSendability(taskId, TaskStatus.SENDING, null, reason, reason.text());
            return new TaskSendability(TaskStatus.PAUSED.name(), reason.text(), false, nextReset);
        }
        if (newReason) {
            transitions.moveForSendability(taskId, TaskStatus.PAUSED, pauseReason, reason, reason.text());
            return new TaskSendability(TaskStatus.PAUSED.name(), reason.text(), false, nextReset);
        }
        if (resume) {
            transitions.moveForSendability(taskId, TaskStatus.PAUSED, pauseReason, null,
                    "a sender service can send again");
            return new TaskSendability(TaskStatus.SENDING.name(), null, true, 0);
        }
        return new TaskSendability(taskStatus, systemPaused ? pauseReason : null, false, nextReset);
    }
}
