package org.edm.activities.campaign;

import io.temporal.failure.ApplicationFailure;
import org.edm.domain.task.TaskTransitions;
import org.edm.domain.campaign.CampaignCancellation;
import org.edm.domain.quota.TaskQuota;
import org.edm.domain.task.TaskStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.edm.workflows.campaign.CampaignActivities;
import org.edm.workflows.campaign.CampaignPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;

@Component("campaignActivities")
public class CampaignActivitiesImpl implements CampaignActivities {

    private static final Logger log = LoggerFactory.getLogger(CampaignActivitiesImpl.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final TaskTransitions transitions;
    private final TaskQuota quota;

    @Autowired
    public CampaignActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx,
                                  TaskTransitions transitions, TaskQuota quota) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.transitions = transitions;
        this.quota = quota;
    }

    /** Hand-wired (tests): quota with the default low-quota threshold. */
    public CampaignActivitiesImpl(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx,
                                  TaskTransitions transitions) {
        this(jdbc, tx, transitions, new TaskQuota(jdbc));
    }

    /**
     * The plan is the tasks still to run: ended tasks (finished, failed, cancelled) are left out, so a campaign
     * workflow started again for the same campaign does not redo them.
     */
    @Override
    public CampaignPlan loadCampaignPlan(long campaignId) {
        return tx.execute(status -> {
            List<Long> owner = jdbc.queryForList("SELECT owner_id FROM campaigns WHERE id = :id FOR UPDATE",
                    Map.of("id", campaignId), Long.class);
            if (owner.isEmpty()) {
                throw ApplicationFailure.newNonRetryableFailure("campaign " + campaignId + " does not exist",
                        "CampaignNotFound");
            }
            // Normally the api has activated the campaign before starting this run. A run whose start reached Temporal
            // while the api's activation rolled back (the client saw a timeout) finds a DRAFT here, after waiting for
            // the api's row lock: it activates it, so a campaign never stays DRAFT with a running workflow.
            jdbc.update("""
                    UPDATE campaigns SET status = 'ACTIVE', activated_at = coalesce(activated_at, now()),
                                         updated_at = now()
                     WHERE id = :id AND status = 'DRAFT'
                    """, Map.of("id", campaignId));
            transitions.moveCampaignTasks(campaignId, List.of(TaskStatus.DRAFT), TaskStatus.SCHEDULED,
                    "campaign started");
            List<CampaignPlan.PlannedTask> tasks = jdbc.query("""
                    SELECT id, plan_time FROM tasks
                     WHERE campaign_id = :id AND status NOT IN %s
                     ORDER BY plan_time, seq
                    """.formatted(TaskStatus.sql(TaskStatus.ENDED)), Map.of("id", campaignId),
                    (rs, i) -> new CampaignPlan.PlannedTask(rs.getLong("id"), rs.getTimestamp("plan_time").getTime()));
            log.info("campaign {}: {} task(s) planned", campaignId, tasks.size());
            return new CampaignPlan(campaignId, owner.get(0), tasks);
        });
    }

    @Override
    public void markCampaignPaused(long campaignId, boolean paused, String reason) {
        int changed = jdbc.update("""
                UPDATE campaigns SET status = :to, updated_at = now() WHERE id = :id AND status = :from
                """, Map.of("id", campaignId, "from", paused ? "ACTIVE" : "PAUSED", "to", paused ? "PAUSED" : "ACTIVE"));
        if (changed > 0) {
            log.info("campaign {} {}: {}", campaignId, paused ? "paused" : "resumed", reason);
        }
    }

    @Override
    public void completeCampaign(long campaignId, boolean cancelled) {
        tx.executeWithoutResult(status -> {
            String to = cancelled ? "CANCELLED" : "COMPLETED";
            int changed = jdbc.update("""
                    UPDATE campaigns SET status = :to, completed_at = now(), updated_at = now()
                     WHERE id = :id AND status NOT IN ('COMPLETED', 'CANCELLED')
                    """, Map.of("id", campaignId, "to", to));
            if (cancelled) {
                // Tasks that never started never will, and give their reservation back; running ones are cancelled
                // (and refunded) by their own workflows.
                new CampaignCancellation(jdbc, transitions, quota)
                        .cancelUnstartedTasks(campaignId, null, "campaign cancelled");
            }
            if (changed > 0) {
                log.info("campaign {} {}", campaignId, to.toLowerCase());
            }
        });
    }
}
