package org.edm.domain.campaign;

import org.edm.domain.quota.QuotaLedger;
import org.edm.domain.quota.TaskCancellation;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.TaskStatus;
import org.edm.domain.task.TaskTransitions;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * How a cancelled campaign's tasks end, in the caller's transaction. Normally the campaign workflow does it: each
 * running task's workflow cancels its task ({@link TaskCancellation}), and the campaign's last activity ends the ones
 * that never started. When the campaign's run is gone (terminated by hand, its task runs with it) the api does the
 * same through here, so a task ends one way whoever ends it.
 */
@Component
public class CampaignCancellation {

    private final NamedParameterJdbcTemplate jdbc;
    private final TaskTransitions transitions;
    private final TaskQuota quota;
    private final TaskCancellation taskCancellation;

    public CampaignCancellation(NamedParameterJdbcTemplate jdbc, TaskTransitions transitions, TaskQuota quota) {
        this.jdbc = jdbc;
        this.transitions = transitions;
        this.quota = quota;
        this.taskCancellation = new TaskCancellation(jdbc, transitions, quota);
    }

    /** Tasks that never started never will: their reservations back (CANCEL_REFUND), then CANCELLED with a log row. */
    public void cancelUnstartedTasks(long campaignId, Long actorId, String reason) {
        quota.releaseCampaign(campaignId, QuotaLedger.CANCEL_REFUND, actorId, reason);
        transitions.moveCampaignTasks(campaignId, TaskStatus.NOT_STARTED, TaskStatus.CANCELLED, reason);
    }

    /** With no workflow left to stop them: started tasks end as their workflow would end them, unsent refunded. */
    public void cancelStartedTasks(long campaignId, String reason) {
        List<Long> started = jdbc.queryForList("""
                SELECT id FROM tasks WHERE campaign_id = :campaignId AND status IN (:running) ORDER BY id
                """, new MapSqlParameterSource("campaignId", campaignId)
                .addValue("running", TaskStatus.names(TaskStatus.RUNNING)), Long.class);
        for (long taskId : started) {
            taskCancellation.cancel(taskId, reason);
        }
    }
}
