package org.edm.workflows.housekeeping;

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

class HousekeepingWorkflowTests {

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    /** The database is down for the second round (both attempts). */
    static final class FakeSweep implements HousekeepingActivities {
        final AtomicInteger sweeps = new AtomicInteger();

        @Override
        public HousekeepingRound sweepExpiredData() {
            int n = sweeps.incrementAndGet();
            if (n == 2 || n == 3) {
                throw ApplicationFailure.newFailure("connection refused", "DatabaseDown");
            }
            return new HousekeepingRound(3, 2, 1, 0);
        }
    }

    private void start(FakeSweep fake, int intervalSeconds) {
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(HousekeepingWorkflowImpl.class);
        worker.registerActivitiesImplementations(fake);
        env.start();
        HousekeepingWorkflow housekeeping = env.getWorkflowClient().newWorkflowStub(HousekeepingWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(HousekeepingWorkflow.WORKFLOW_ID).build());
        WorkflowClient.start(housekeeping::run, new HousekeepingInput(intervalSeconds));
    }

    @Test
    void everyIntervalTheSweepRunsAndAFailedRoundDoesNotStopTheNext() {
        FakeSweep fake = new FakeSweep();
        start(fake, 3600);

        env.sleep(Duration.ofMinutes(50));
        assertThat(fake.sweeps).as("the first sweep runs at once").hasValue(1);

        env.sleep(Duration.ofMinutes(80)); // rounds at 0, 60 and 120 minutes
        assertThat(fake.sweeps).as("round two failed twice (two attempts), round three ran").hasValue(4);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), HousekeepingWorkflow.WORKFLOW_ID,
                "housekeeping.json");
    }

    @Test
    void aLongRunContinuesAsNewAndKeepsItsInterval() {
        FakeSweep fake = new FakeSweep();
        start(fake, 60);

        env.sleep(Duration.ofMinutes(HousekeepingWorkflowImpl.ROUNDS_PER_RUN + 5L).plusSeconds(30));

        assertThat(fake.sweeps.get()).as("one sweep a minute across the continue-as-new (plus the retried one)")
                .isEqualTo(HousekeepingWorkflowImpl.ROUNDS_PER_RUN + 6 + 1);
    }
}
