package org.edm.workflows.campaign;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.campaign.CampaignPlan.PlannedTask;
import org.edm.workflows.task.FakeTaskActivities;
import org.edm.workflows.task.TaskWorkflowImpl;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Pause, resume, cancel and live re-planning of a running campaign whose tasks keep sending. */
class CampaignLifecycleTests {

    private static final long CAMPAIGN = 43;
    private static final Instant T = WorkflowTestEnvironments.START.plus(Duration.ofHours(1));

    private TestWorkflowEnvironment env;
    private FakeTaskActivities tasks;
    private FakeCampaignActivities campaigns;

    @BeforeEach
    void setUp() {
        env = WorkflowTestEnvironments.newEnvironment();
        // ten deliveries per task that nobody sends: a started task stays running until cancelled
        tasks = new FakeTaskActivities(env::currentTimeMillis, 10);
        campaigns = new FakeCampaignActivities(new CampaignPlan(CAMPAIGN, 7, List.of(
                planned(1, Duration.ZERO),
                planned(2, Duration.ofDays(2)),
                planned(3, Duration.ofDays(4)))));
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(CampaignWorkflowImpl.class, TaskWorkflowImpl.class);
        worker.registerActivitiesImplementations(campaigns, tasks);
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private static PlannedTask planned(long taskId, Duration afterT) {
        return new PlannedTask(taskId, T.plus(afterT).toEpochMilli());
    }

    private CampaignWorkflow campaign() {
        return env.getWorkflowClient().newWorkflowStub(CampaignWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("campaign-" + CAMPAIGN).setTaskQueue(TaskQueues.EDM).build());
    }

    private long sinceT() {
        return env.currentTimeMillis() - T.toEpochMilli();
    }

    @Test
    void pauseHoldsUnstartedTasksResumeStartsOverdueOnesAtOnceCancelStopsEverything() {
        CampaignWorkflow campaign = campaign();
        WorkflowClient.start(campaign::run, new CampaignInput(CAMPAIGN));
        env.sleep(Duration.between(WorkflowTestEnvironments.START, T).plusHours(1));
        assertThat(tasks.startOrder).containsExactly(1L);

        campaign.pause("paused by operator");
        env.sleep(Duration.ofMinutes(1));
        assertThat(campaign.progress().state()).isEqualTo("PAUSED");
        assertThat(campaigns.pauses).containsExactly("PAUSED: paused by operator");
        assertThat(tasks.controls).as("the running task is paused too").containsExactly("1 PAUSED paused by operator");

        // task 2's plan time (T+2d) passes while paused: it must not start
        env.sleep(Duration.ofDays(2).plusHours(1));
        assertThat(tasks.startOrder).containsExactly(1L);

        long resumedAt = sinceT();
        campaign.resume();
        env.sleep(Duration.ofSeconds(10));
        assertThat(tasks.startOrder).as("overdue task 2 starts at once on resume").containsExactly(1L, 2L);
        assertThat(tasks.startedAt.get(2L) - T.toEpochMilli() - resumedAt).isLessThan(Duration.ofSeconds(10).toMillis());
        assertThat(tasks.controls).contains("1 SENDING resumed by operator");
        assertThat(campaign.progress().state()).isEqualTo("WAITING");

        campaign.cancel("operator stopped it");
        WorkflowStub.fromTyped(campaign).getResult(Void.class);
        for (String task : List.of("task-1", "task-2")) {
            assertThat(env.getWorkflowClient().newUntypedWorkflowStub(task).getResult(
                    org.edm.workflows.task.TaskOutcome.class).status()).as(task).isEqualTo("CANCELLED");
        }
        assertThat(campaigns.completions).containsExactly(true);
        assertThat(tasks.startOrder).as("task 3 never starts").containsExactly(1L, 2L);
        assertThat(tasks.controls).contains("1 CANCELLED operator stopped it", "2 CANCELLED operator stopped it",
                "1 REFUND 10", "2 REFUND 10");

        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "campaign-" + CAMPAIGN,
                "campaign-pause-resume-cancel.json");
    }

    @Test
    void theWebUiFindsTheCampaignAndItsTasksByStatus() {
        CampaignWorkflow campaign = campaign();
        WorkflowClient.start(campaign::run, new CampaignInput(CAMPAIGN));
        env.sleep(Duration.between(WorkflowTestEnvironments.START, T).plusHours(1));
        assertThat(attribute("campaign-" + CAMPAIGN, EdmSearchAttributes.CAMPAIGN_STATUS)).isEqualTo("WAITING");
        assertThat(attribute("task-1", EdmSearchAttributes.TASK_STATUS)).isEqualTo("SENDING");

        campaign.pause("paused by operator");
        env.sleep(Duration.ofMinutes(1));
        assertThat(attribute("campaign-" + CAMPAIGN, EdmSearchAttributes.CAMPAIGN_STATUS)).isEqualTo("PAUSED");
        assertThat(attribute("task-1", EdmSearchAttributes.TASK_STATUS)).isEqualTo("PAUSED");

        campaign.cancel("operator stopped it");
        WorkflowStub.fromTyped(campaign).getResult(Void.class);
        assertThat(attribute("campaign-" + CAMPAIGN, EdmSearchAttributes.CAMPAIGN_STATUS)).isEqualTo("CANCELLED");
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "campaign-" + CAMPAIGN,
                "campaign-findable.json");
    }

    private String attribute(String workflowId, io.temporal.common.SearchAttributeKey<String> key) {
        return env.getWorkflowClient().newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes()
                .get(key);
    }

    @Test
    void replanWhileSleepingAddsRemovesAndMovesTasks() {
        // tasks finish as soon as they start: this test is about when they start
        tasks.nothingToSend = true;
        CampaignWorkflow campaign = campaign();
        WorkflowClient.start(campaign::run, new CampaignInput(CAMPAIGN));
        env.sleep(Duration.between(WorkflowTestEnvironments.START, T).plusHours(12));
        assertThat(tasks.startOrder).containsExactly(1L);

        // task 2 removed, task 3 moved from T+4d to T+1d, task 4 added at T+3d (task 1, started, stays)
        campaigns.plan = new CampaignPlan(CAMPAIGN, 7, List.of(
                planned(1, Duration.ZERO), planned(3, Duration.ofDays(1)), planned(4, Duration.ofDays(3))));
        campaign.planChanged();

        env.sleep(Duration.ofHours(12).minusMinutes(1));
        assertThat(tasks.startOrder).as("one minute before task 3's new time").containsExactly(1L);
        env.sleep(Duration.ofMinutes(2));
        assertThat(tasks.startOrder).containsExactly(1L, 3L);

        // moved again after it started: it must not run a second time
        campaigns.plan = new CampaignPlan(CAMPAIGN, 7, List.of(
                planned(1, Duration.ZERO), planned(3, Duration.ofDays(2)), planned(4, Duration.ofDays(3))));
        campaign.planChanged();

        env.sleep(Duration.ofDays(2).minusMinutes(2));
        assertThat(tasks.startOrder).as("one minute before task 4").containsExactly(1L, 3L);
        env.sleep(Duration.ofMinutes(2));
        assertThat(tasks.startOrder).containsExactly(1L, 3L, 4L);

        env.sleep(Duration.ofDays(3));
        assertThat(tasks.startOrder).as("removed task 2 never runs, moved task 3 ran once").containsExactly(1L, 3L, 4L);
        assertThat(tasks.startedAt.get(3L) - T.toEpochMilli()).isBetween(Duration.ofDays(1).toMillis(),
                Duration.ofDays(1).plusMinutes(1).toMillis());

        // every task has ended and none is left to start: the campaign completes
        WorkflowStub.fromTyped(campaign).getResult(Void.class);
        assertThat(campaigns.completions).containsExactly(false);
        assertThat(tasks.finished).containsExactlyInAnyOrder(1L, 3L, 4L);

        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "campaign-" + CAMPAIGN,
                "campaign-replanned.json");
    }
}
