package org.edm.workflows.apisend;

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

class ApiSendWorkflowTests {

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    /** A queue in memory: {@code queued} messages, sent {@code batch} per round. */
    static final class FakeQueue implements ApiSendActivities {
        final AtomicInteger queued = new AtomicInteger();
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger rounds = new AtomicInteger();
        final AtomicInteger failuresToThrow = new AtomicInteger();

        @Override
        public ApiSendRound sendQueuedMessages(int maxMessages) {
            rounds.incrementAndGet();
            if (failuresToThrow.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw ApplicationFailure.newFailure("database unreachable", "Unavailable");
            }
            int take = Math.min(maxMessages, queued.get());
            queued.addAndGet(-take);
            sent.addAndGet(take);
            return new ApiSendRound(take, take, 0, 0, 0, queued.get() > 0);
        }
    }

    private ApiSendWorkflow start(FakeQueue fakes, ApiSendInput input) {
        Worker worker = env.newWorker(TaskQueues.API_SEND);
        worker.registerWorkflowImplementationTypes(ApiSendWorkflowImpl.class);
        worker.registerActivitiesImplementations(fakes);
        env.start();
        ApiSendWorkflow dispatcher = env.getWorkflowClient().newWorkflowStub(ApiSendWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.API_SEND)
                        .setWorkflowId(ApiSendWorkflow.WORKFLOW_ID).build());
        WorkflowClient.start(dispatcher::run, input);
        return dispatcher;
    }

    @Test
    void aSignalSendsAtOnceAndABacklogIsDrainedRoundAfterRoundWithoutWaiting() {
        FakeQueue fakes = new FakeQueue();
        ApiSendWorkflow dispatcher = start(fakes, new ApiSendInput(10, 60));
        env.sleep(Duration.ofSeconds(1));
        int idleRounds = fakes.rounds.get();

        fakes.queued.set(25);
        dispatcher.messagesQueued();
        env.sleep(Duration.ofSeconds(1));

        assertThat(fakes.sent).as("three rounds of 10, 10 and 5 right after the signal").hasValue(25);
        assertThat(fakes.rounds.get() - idleRounds).isEqualTo(3);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), ApiSendWorkflow.WORKFLOW_ID, "api-send.json");
    }

    @Test
    void withoutAnySignalTheSweepFindsQueuedMessages() {
        FakeQueue fakes = new FakeQueue();
        start(fakes, new ApiSendInput(10, 5));
        env.sleep(Duration.ofSeconds(1));

        // queued while Temporal was unreachable for the api: no signal ever arrives
        fakes.queued.set(3);
        env.sleep(Duration.ofSeconds(6));

        assertThat(fakes.sent).hasValue(3);
    }

    @Test
    void aFailingRoundDoesNotStopTheDispatcher() {
        FakeQueue fakes = new FakeQueue();
        fakes.failuresToThrow.set(50);
        ApiSendWorkflow dispatcher = start(fakes, new ApiSendInput(10, 5));
        env.sleep(Duration.ofMinutes(10));
        fakes.failuresToThrow.set(0);
        fakes.queued.set(4);
        dispatcher.messagesQueued();
        env.sleep(Duration.ofMinutes(2));

        assertThat(fakes.sent).hasValue(4);
    }
}
