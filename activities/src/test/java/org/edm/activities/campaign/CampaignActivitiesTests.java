package org.edm.activities.campaign;

import org.edm.activities.testing.ActivitiesHarness;
import org.edm.activities.testing.Fixtures;
import org.edm.workflows.campaign.CampaignPlan;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

import static org.assertj.core.api.Assertions.assertThat;

class CampaignActivitiesTests {

    private ActivitiesHarness harness;
    private Fixtures f;
    private CampaignActivitiesImpl activities;
    private long owner;
    private long set;
    private long campaign;

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        f = harness.fixtures;
        activities = harness.campaignActivities();
        owner = f.user("operator");
        set = f.templateSet(owner, f.template(owner, "s", "b"));
        campaign = f.campaign(owner, "welcome series");
    }

    @AfterEach
    void tearDown() {
        harness.close();
    }

    @Test
    void planListsTasksByPlanTimeThenSequenceAndSchedulesTheDrafts() {
        Instant t0 = Instant.parse("2026-03-01T02:00:00Z");
        long third = f.task(campaign, owner, 3, t0.plus(2, ChronoUnit.DAYS), "{}", set, "news");
        long first = f.task(campaign, owner, 2, t0, "{}", set, "news");
        long second = f.task(campaign, owner, 1, t0.plus(1, ChronoUnit.DAYS), "{}", set, "news");
        long cancelled = f.task(campaign, owner, 4, t0, "{}", set, "news");
        f.jdbc().update("UPDATE tasks SET status = 'CANCELLED' WHERE id = ?", cancelled);

        CampaignPlan plan = activities.loadCampaignPlan(campaign);
        activities.loadCampaignPlan(campaign);

        assertThat(plan.ownerId()).isEqualTo(owner);
        assertThat(plan.tasks()).extracting(CampaignPlan.PlannedTask::taskId).containsExactly(first, second, third);
        assertThat(plan.tasks().get(0).planTimeEpochMillis()).isEqualTo(t0.toEpochMilli());
        assertThat(f.taskStatus(first)).isEqualTo("SCHEDULED");
        assertThat(f.jdbc().queryForObject("SELECT count(*) FROM task_execution_log WHERE to_status = 'SCHEDULED'",
                Integer.class)).as("logged once per task, not per call").isEqualTo(3);
        assertThat(f.jdbc().queryForObject("SELECT status FROM campaigns WHERE id = ?", String.class, campaign))
                .isEqualTo("ACTIVE");
    }

    @Test
    void completesOrCancelsTheCampaign() {
        long started = f.task(campaign, owner, 1, Instant.now(), "{}", set, "news");
        long notStarted = f.task(campaign, owner, 2, Instant.now(), "{}", set, "news");
        activities.loadCampaignPlan(campaign);
        f.jdbc().update("UPDATE tasks SET status = 'SENDING' WHERE id = ?", started);

        activities.completeCampaign(campaign, true);

        assertThat(f.jdbc().queryForMap("SELECT status, completed_at FROM campaigns WHERE id = ?", campaign))
                .containsEntry("status", "CANCELLED").extractingByKey("completed_at").isNotNull();
        assertThat(f.taskStatus(notStarted)).isEqualTo("CANCELLED");
        assertThat(f.taskStatus(started)).as("a running task is cancelled by its own workflow").isEqualTo("SENDING");

        long other = f.campaign(owner, "other");
        activities.completeCampaign(other, false);
        assertThat(f.jdbc().queryForObject("SELECT status FROM campaigns WHERE id = ?", String.class, other))
                .isEqualTo("COMPLETED");
    }
}
