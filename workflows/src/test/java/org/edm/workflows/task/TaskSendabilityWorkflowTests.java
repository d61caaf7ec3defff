package org.edm.workflows.task;

import io.temporal.api.history.v1.History;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/** F20 in the task workflow: paused while no service can send for it, resumed by itself when one can. */
class TaskSendabilityWorkflowTests {

    private TestWorkflowEnvironment env;
    private FakeTaskActivities activities;
    /** What the (fake) sendability check says next: the state of the task's owner's services. */
    private final AtomicReference<String> services = new AtomicReference<>("OK");
    private volatile long quotaResetsAt;
    private volatile boolean systemPaused;

    @BeforeEach
    void setUp() {
        env = WorkflowTestEnvironments.newEnvironment();
        activities = new FakeTaskActivities(env::currentTimeMillis, 20);
        activities.sendability = taskId -> {
            String reason = switch (services.get()) {
                case "NONE" -> TaskSendability.NO_USABLE_SERVICE;
                case "NO_USER_QUOTA" -> TaskSendability.NO_USER_QUOTA;
                case "QUOTA" -> env.currentTimeMillis() < quotaResetsAt ? TaskSendability.QUOTA_USED_UP : null;
                default -> null;
            };
            if (reason != null) {
                systemPaused = true;
                return new TaskSendability("PAUSED", reason, false,
                        TaskSendability.QUOTA_USED_UP.equals(reason) ? quotaResetsAt : 0);
            }
            boolean resumed = systemPaused;
            systemPaused = false;
            return new TaskSendability("SENDING", null, resumed, 0);
        };
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(TaskWorkflowImpl.class);
        worker.registerActivitiesImplementations(activities);
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
    }

    private TaskWorkflow start(long id) {
        TaskWorkflow task = env.getWorkflowClient().newWorkflowStub(TaskWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId("task-" + id).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(task::run, new TaskInput(id, 1));
        return task;
    }

    @Test
    void allQuotaUsedPausesTheTaskUntilTheResetThenItResumesByItself() {
        services.set("QUOTA");
        quotaResetsAt = WorkflowTestEnvironments.START.plus(Duration.ofHours(10)).toEpochMilli();
        TaskWorkflow task = start(21);

        env.sleep(Duration.ofSeconds(5));
        assertThat(task.progress().state()).isEqualTo("PAUSED");
        assertThat(task.progress().pauseReason()).isEqualTo("当前可用的发信服务额度已用完，请等待第二天恢复");
        assertThat(activities.published).hasSize(1);

        env.sleep(Duration.ofHours(9).plusMinutes(59));
        assertThat(task.progress().state()).isEqualTo("PAUSED");
        assertThat(activities.published).as("no demand re-published while nothing can send").hasSize(1);

        env.sleep(Duration.ofMinutes(2));
        assertThat(task.progress().state()).isEqualTo("SENDING");
        assertThat(task.progress().pauseReason()).isNull();
        assertThat(activities.published).as("demand published again at the reset").hasSizeGreaterThan(1);

        activities.outstanding.put(21L, 0L);
        task.serviceDrained(1);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-21", "task-sendability-quota.json");
    }

    @Test
    void noUsableServicePausesTheTaskUntilOneIsUsableAgain() {
        services.set("NONE");
        TaskWorkflow task = start(22);

        env.sleep(Duration.ofSeconds(5));
        assertThat(task.progress().state()).isEqualTo("PAUSED");
        assertThat(task.progress().pauseReason()).isEqualTo("当前没有可用发信服务");

        env.sleep(Duration.ofHours(8));
        assertThat(task.progress().state()).isEqualTo("PAUSED");

        services.set("OK");
        env.sleep(TaskWorkflowImpl.MAX_RECHECK.plusSeconds(1));
        assertThat(task.progress().state()).isEqualTo("SENDING");
        assertThat(activities.published).as("demand published again once a service is usable")
                .hasSizeGreaterThan(1);

        activities.outstanding.put(22L, 0L);
        task.serviceDrained(1);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-22", "task-sendability-no-service.json");
    }

    /**
     * Issue 5: a task whose owner has no quota for its pending deliveries (at the start, or on an operator's resume)
     * is PAUSED with the seed's text; the recheck re-reserves once an admin has granted quota, and it sends again.
     */
    @Test
    void noUserQuotaPausesTheTaskUntilQuotaIsGrantedThenItResumesByItself() {
        services.set("NO_USER_QUOTA");
        TaskWorkflow task = start(24);

        env.sleep(Duration.ofSeconds(5));
        assertThat(task.progress().state()).isEqualTo("PAUSED");
        assertThat(task.progress().pauseReason()).isEqualTo("当前没有发信额度");
        env.sleep(Duration.ofDays(2));
        assertThat(task.progress().state()).as("no quota, no sending, however long").isEqualTo("PAUSED");
        int published = activities.published.size();

        services.set("OK"); // an admin granted quota: the next recheck reserves it
        env.sleep(TaskWorkflowImpl.MAX_RECHECK.plusSeconds(1));
        assertThat(task.progress().state()).isEqualTo("SENDING");
        assertThat(task.progress().pauseReason()).isNull();
        assertThat(activities.published).as("demand published again").hasSizeGreaterThan(published);

        activities.outstanding.put(24L, 0L);
        task.serviceDrained(1);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
    }

    @Test
    void aGrantOfQuotaWakesATaskPausedForWantOfItAtOnce() {
        services.set("NO_USER_QUOTA");
        TaskWorkflow task = start(25);
        env.sleep(Duration.ofHours(1)); // the recheck has grown to its longest (30 min)
        assertThat(task.progress().pauseReason()).isEqualTo("当前没有发信额度");

        services.set("OK");
        task.quotaGranted();
        env.sleep(Duration.ofSeconds(5));

        assertThat(task.progress().state()).as("not half an hour later: now").isEqualTo("SENDING");
        activities.outstanding.put(25L, 0L);
        task.serviceDrained(1);
        assertThat(WorkflowStub.fromTyped(task).getResult(TaskOutcome.class).status()).isEqualTo("FINISHED");
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), "task-25", "task-quota-granted.json");
    }

    @Test
    void anOperatorPauseWinsOverTheSystemsAndTheSystemNeverLiftsIt() {
        services.set("NONE");
        TaskWorkflow task = start(23);
        env.sleep(Duration.ofSeconds(5));
        task.pause("paused by operator");
        env.sleep(Duration.ofSeconds(5));
        assertThat(task.progress().pauseReason()).isEqualTo("paused by operator");

        services.set("OK");
        env.sleep(Duration.ofHours(1));
        assertThat(task.progress().state()).isEqualTo("PAUSED");
        assertThat(task.progress().pauseReason()).isEqualTo("paused by operator");

        task.resume();
        env.sleep(Duration.ofSeconds(5));
        assertThat(task.progress().state()).isEqualTo("SENDING");
    }

    /**
     * Issue 11 item 12: a task paused for 120 days (no usable service) keeps every run's history short by continuing
     * as new with its state, still obeys an operator's pause and resume sent along the way, and finishes once a
     * service is usable again.
     */
    @Test
    void aTaskPausedFor120DaysContinuesAsNewWithItsStateAndThenFinishes() {
        services.set("NONE");
        TaskWorkflow task = start(26);
        env.sleep(Duration.ofSeconds(5));
        assertThat(task.progress().pauseReason()).isEqualTo("当前没有可用发信服务");

        for (int day = 1; day <= 120; day++) {
            env.sleep(Duration.ofDays(1));
            if (day == 60) {
                task.pause("paused by operator: holiday");
            }
            if (day == 61) {
                assertThat(task.progress().pauseReason()).isEqualTo("paused by operator: holiday");
                task.resume();
            }
            // signals that land on every side of a continue-as-new must not be lost or counted twice
            task.quotaGranted();
            task.serviceDrained(1);
            if (day % 10 == 0) {
                String after = day + " days";
                assertThat(runs("task-26")).allSatisfy(run -> assertThat(run.getEventsCount())
                        .as("events in one run after %s", after).isLessThan(2_000));
                assertThat(task.progress().state()).isEqualTo("PAUSED");
            }
        }
        assertThat(runs("task-26")).as("the history was cut into runs").hasSizeGreaterThan(1);
        assertThat(activities.controls).containsExactly("26 PAUSED paused by operator: holiday",
                "26 SENDING resumed by operator");
        assertThat(task.progress().pauseReason()).as("the system's pause, carried over").isEqualTo("当前没有可用发信服务");

        services.set("OK");
        env.sleep(TaskWorkflowImpl.MAX_RECHECK.plusSeconds(1));
        assertThat(task.progress().state()).isEqualTo("SENDING");
        activities.outstanding.put(26L, 0L);
        task.serviceDrained(1);
        TaskOutcome outcome = WorkflowStub.fromTyped(task).getResult(TaskOutcome.class);
        assertThat(outcome.status()).isEqualTo("FINISHED");
        assertThat(outcome.counts().sent()).isEqualTo(20);
        assertThat(activities.finished).containsExactly(26L);
        List<History> runs = runs("task-26");
        WorkflowTestEnvironments.recordHistory("task-26", runs.get(0), "task-continued-as-new-first-run.json");
        WorkflowTestEnvironments.recordHistory("task-26", runs.get(runs.size() - 1),
                "task-continued-as-new-last-run.json");
    }

    private List<History> runs(String workflowId) {
        return WorkflowTestEnvironments.runs(env.getWorkflowClient(), workflowId);
    }
}
