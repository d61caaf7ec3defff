package org.edm.workflows.task;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TaskWorkflowTests {

    private TestWorkflowEnvironment env;
    private FakeTaskActivities activities;

    @BeforeEach
    void setUp() {
        env = WorkflowTestEnvironments.newEnvironment();
        activities = new FakeTaskActivities(env::currentTimeMillis, 50);
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(TaskWorkflowImpl.class);
        worker.registerActivitiesImplementations(activities);
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private TaskWorkflow task(long id) {
        return env.getWorkflowClient().newWorkflowStub(TaskWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("task-" + id).setTaskQueue(TaskQueues.EDM).build());
    }

    /** A recheck reads every delivery only once nothing is outstanding: the cheap count decides while some are. */
    @Test
    void rechecksCountWhatIsOutstandingAndEveryDeliveryOnlyAtTheEnd() {
        TaskWorkflow task = task(31);
        WorkflowClient.start(task::run, new TaskInput(31, 1));
        env.sleep(Duration.ofSeconds(5));

        activities.outstanding.put(31L, 3L);
        task.serviceDrained(1);
        env.sleep(Duration.ofSeconds(5));
        env.sleep(Duration.ofMinutes(3)); // and a recheck without a signal
        assertThat(activities.outstandingCounts).hasSizeGreaterThanOrEqualTo(2);
        assertThat(activities.fullCounts).isEmpty();
        assertThat(task.progress().lastCounts().pending()).isEqualTo(3);
        assertThat(task.progress().state()).isEqualTo("SENDING");

        activities.outstanding.put(31L, 0L);
        task.serviceDrained(2);
        TaskOutcome outcome = WorkflowStub.fromTyped(task).getResult(TaskOutcome.class);

        assertThat(outcome.status()).isEqualTo("FINISHED");
        assertThat(outcome.counts().sent()).isEqualTo(50);
        assertThat(activities.fullCounts).as("the last recheck and the outcome").containsExactly(31L, 31L);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-31", "task-outstanding-first.json");
    }

    @Test
    void finishesOnlyWhenEveryDeliveryIsDecided() {
        TaskWorkflow task = task(5);
        WorkflowClient.start(task::run, new TaskInput(5, 1));
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.published).hasSize(1);
        assertThat(activities.published.get(0).ownerId()).isEqualTo(7);

        // a service says it is drained but another is still sending: the task keeps waiting
        activities.outstanding.put(5L, 3L);
        task.serviceDrained(1);
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.finished).isEmpty();
        assertThat(task.progress().state()).isEqualTo("SENDING");

        activities.outstanding.put(5L, 0L);
        task.serviceDrained(2);
        TaskOutcome outcome = WorkflowStub.fromTyped(task).getResult(TaskOutcome.class);

        assertThat(outcome.status()).isEqualTo("FINISHED");
        assertThat(outcome.counts().sent()).isEqualTo(50);
        assertThat(activities.finished).containsExactly(5L);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-5", "task.json");
    }

    /**
     * plan_time → first mail: the audience and the first demand come from one activity, so the services are told
     * without a second workflow round trip; the demand is not published twice.
     */
    @Test
    void theFirstDemandGoesOutWithTheAudienceInOneActivity() {
        TaskWorkflow task = task(12);
        WorkflowClient.start(task::run, new TaskInput(12, 1));
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.startedSending).containsExactly(12L);
        assertThat(activities.published).extracting(TaskDemand::taskId).containsExactly(12L);

        activities.outstanding.put(12L, 0L);
        task.serviceDrained(1);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
        assertThat(activities.published).as("published once").hasSize(1);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-12", "task-demand-with-audience.json");
    }

    @Test
    void publishesDemandAgainWhenNoServiceAnswers() {
        TaskWorkflow task = task(6);
        WorkflowClient.start(task::run, new TaskInput(6, 1));
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.published).hasSize(1);

        env.sleep(TaskWorkflowImpl.FIRST_RECHECK);
        assertThat(activities.published).as("re-published after the first silent minute").hasSize(2);

        activities.outstanding.put(6L, 0L);
        env.sleep(TaskWorkflowImpl.MAX_RECHECK);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
    }

    @Test
    void theWebUiFindsTheTaskByItsCurrentStatusAndShowsItsName() {
        TaskWorkflow task = task(9);
        WorkflowClient.start(task::run, new TaskInput(9, 1));
        env.sleep(Duration.ofSeconds(5));
        assertThat(statusAttribute("task-9")).isEqualTo("SENDING");
        assertThat(env.getWorkflowClient().newUntypedWorkflowStub("task-9").describe().getMemo("name", String.class))
                .isEqualTo("task 9");

        task.pause("paused by operator");
        env.sleep(Duration.ofSeconds(5));
        assertThat(statusAttribute("task-9")).isEqualTo("PAUSED");

        task.resume();
        env.sleep(Duration.ofSeconds(5));
        assertThat(statusAttribute("task-9")).isEqualTo("SENDING");

        activities.outstanding.put(9L, 3L);
        task.cancel("not needed any more");
        WorkflowStub.fromTyped(task).getResult(TaskOutcome.class);
        assertThat(statusAttribute("task-9")).isEqualTo("CANCELLED");
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-9", "task-findable.json");
    }

    private String statusAttribute(String workflowId) {
        return env.getWorkflowClient().newUntypedWorkflowStub(workflowId).describe().getTypedSearchAttributes()
                .get(org.edm.workflows.EdmSearchAttributes.TASK_STATUS);
    }

    @Test
    void pauseStopsPublishingResumePublishesAgainCancelCancelsWhatIsUnsent() {
        TaskWorkflow task = task(8);
        WorkflowClient.start(task::run, new TaskInput(8, 1));
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.published).hasSize(1);

        task.pause("paused by operator");
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.controls).containsExactly("8 PAUSED paused by operator");
        assertThat(task.progress().state()).isEqualTo("PAUSED");
        assertThat(task.progress().pauseReason()).isEqualTo("paused by operator");

        env.sleep(Duration.ofHours(3));
        assertThat(activities.published).as("no demand while paused").hasSize(1);

        task.resume();
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.controls).containsExactly("8 PAUSED paused by operator", "8 SENDING resumed by operator");
        assertThat(activities.published).as("demand published again on resume").hasSize(2);
        assertThat(task.progress().state()).isEqualTo("SENDING");

        activities.outstanding.put(8L, 20L);
        task.cancel("not needed any more");
        TaskOutcome outcome = WorkflowStub.fromTyped(task).getResult(TaskOutcome.class);
        assertThat(outcome.status()).isEqualTo("CANCELLED");
        assertThat(outcome.counts().cancelled()).isEqualTo(20);
        assertThat(activities.controls).endsWith("8 CANCELLED not needed any more", "8 REFUND 20");
        assertThat(activities.finished).isEmpty();
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-8", "task-pause-resume-cancel.json");
    }

    @Test
    void reopenedDeliveriesArePublishedAtOnce() {
        TaskWorkflow task = task(9);
        WorkflowClient.start(task::run, new TaskInput(9, 1));
        env.sleep(Duration.ofSeconds(5));
        task.deliveriesReopened();
        env.sleep(Duration.ofSeconds(5));
        assertThat(activities.published).hasSize(2);
        activities.outstanding.put(9L, 0L);
        task.serviceDrained(1);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
    }
}
