package org.edm.workflows.alert;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AlertsWorkflowTests {

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    /** The rules' database is down during the second round (both attempts); mail always works. */
    static final class FakeAlertActivities implements AlertActivities {
        final AtomicInteger evaluations = new AtomicInteger();
        final AtomicInteger notices = new AtomicInteger();

        @Override
        public AlertRound evaluateAlertRules() {
            int n = evaluations.incrementAndGet();
            if (n == 2 || n == 3) {
                throw ApplicationFailure.newFailure("connection refused", "DatabaseDown");
            }
            return new AlertRound(1, 0, 1);
        }

        @Override
        public AlertNotice notifyAdminsOfAlerts() {
            notices.incrementAndGet();
            return new AlertNotice(1, 1);
        }
    }

    private AlertsWorkflow start(FakeAlertActivities fakes, int intervalSeconds) {
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(AlertsWorkflowImpl.class);
        worker.registerActivitiesImplementations(fakes);
        env.start();
        AlertsWorkflow alerts = env.getWorkflowClient().newWorkflowStub(AlertsWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(AlertsWorkflow.WORKFLOW_ID).build());
        WorkflowClient.start(alerts::run, new AlertsInput(intervalSeconds));
        return alerts;
    }

    @Test
    void everyIntervalTheRulesRunAndTheAdminsAreToldAndAFailedRoundDoesNotStopTheNext() {
        FakeAlertActivities fakes = new FakeAlertActivities();
        start(fakes, 300);

        env.sleep(Duration.ofMinutes(4));
        assertThat(fakes.evaluations).as("the first round runs at once").hasValue(1);
        assertThat(fakes.notices).hasValue(1);

        env.sleep(Duration.ofMinutes(7)); // rounds at 0, 5 and 10 minutes
        assertThat(fakes.evaluations).as("round two failed twice (two attempts), round three ran").hasValue(4);
        assertThat(fakes.notices).as("the admins are still told in the round whose rules failed").hasValue(3);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), AlertsWorkflow.WORKFLOW_ID, "alerts.json");
    }

    @Test
    void aLongRunContinuesAsNewAndKeepsItsInterval() {
        FakeAlertActivities fakes = new FakeAlertActivities();
        start(fakes, 60);

        env.sleep(Duration.ofMinutes(AlertsWorkflowImpl.ROUNDS_PER_RUN + 5L).plusSeconds(30));

        assertThat(fakes.notices.get()).as("one notice a minute across the continue-as-new")
                .isEqualTo(AlertsWorkflowImpl.ROUNDS_PER_RUN + 6);
    }
}
