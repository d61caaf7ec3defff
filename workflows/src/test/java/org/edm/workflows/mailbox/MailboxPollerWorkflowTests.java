package org.edm.workflows.mailbox;

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
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxPollerWorkflowTests {

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    /** Service 1 reads fine, service 2's mailbox is unreachable. */
    static final class FakeMailboxes implements MailboxActivities {
        final Map<Long, AtomicInteger> polls = new ConcurrentHashMap<>();

        @Override
        public List<Long> listServicesWithMailbox() {
            return List.of(1L, 2L);
        }

        @Override
        public MailboxPollResult pollMailbox(long senderServiceId) {
            polls.computeIfAbsent(senderServiceId, id -> new AtomicInteger()).incrementAndGet();
            if (senderServiceId == 2) {
                throw ApplicationFailure.newFailure("connection refused", "MailboxUnreachable");
            }
            return new MailboxPollResult(senderServiceId, 1, 1, 0, 0);
        }
    }

    @Test
    void everyIntervalEachMailboxIsReadAndAnUnreachableOneDoesNotStopTheOthers() {
        FakeMailboxes fakes = new FakeMailboxes();
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(MailboxPollerWorkflowImpl.class);
        worker.registerActivitiesImplementations(fakes);
        env.start();
        MailboxPollerWorkflow poller = env.getWorkflowClient().newWorkflowStub(MailboxPollerWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(MailboxPollerWorkflow.WORKFLOW_ID).build());
        WorkflowClient.start(poller::run, new MailboxInput(60));

        env.sleep(Duration.ofSeconds(150));

        assertThat(fakes.polls.get(1L)).hasValue(3);
        assertThat(fakes.polls.get(2L).get()).as("two attempts per round").isEqualTo(6);
        WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), MailboxPollerWorkflow.WORKFLOW_ID,
                "mailbox-poller.json");
    }
}
