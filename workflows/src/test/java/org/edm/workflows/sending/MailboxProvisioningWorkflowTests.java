package org.edm.workflows.sending;

import io.temporal.client.WorkflowOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.testing.WorkflowTestEnvironments;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;

class MailboxProvisioningWorkflowTests {

    private final TestWorkflowEnvironment env = WorkflowTestEnvironments.newEnvironment();

    @AfterEach
    void close() {
        env.close();
    }

    static final class FakeProvisioning implements MailboxProvisioningActivities {
        final AtomicInteger attempts = new AtomicInteger();
        final List<MailboxFailure> failures = new CopyOnWriteArrayList<>();
        /** 0: succeed; 1: transient error; 2: permanent refusal. */
        IntSupplier outcome = () -> 0;

        @Override
        public void provisionMailbox(long mailboxId) {
            attempts.incrementAndGet();
            switch (outcome.getAsInt()) {
                case 1 -> throw ApplicationFailure.newFailure(
                        "Aliyun DirectMail is unavailable (ServiceUnavailable); try again later", "ProviderUnavailable");
                case 2 -> throw ApplicationFailure.newNonRetryableFailure(
                        "Aliyun DirectMail refused the address: InvalidMailAddress.Malformed", "ProviderRefused");
                default -> {
                }
            }
        }

        @Override
        public void recordProvisioningFailure(MailboxFailure failure) {
            failures.add(failure);
        }
    }

    private void run(FakeProvisioning fake, long mailboxId, String history) {
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(MailboxProvisioningWorkflowImpl.class);
        worker.registerActivitiesImplementations(fake);
        env.start();
        MailboxProvisioningWorkflow workflow = env.getWorkflowClient().newWorkflowStub(
                MailboxProvisioningWorkflow.class, WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(WorkflowIds.senderMailbox(mailboxId)).build());
        workflow.run(mailboxId);
        if (history != null) {
            WorkflowTestEnvironments.recordHistory(env.getWorkflowClient(), WorkflowIds.senderMailbox(mailboxId),
                    history);
        }
    }

    @Test
    void aTransientErrorIsRetriedAndThenSucceeds() {
        FakeProvisioning fake = new FakeProvisioning();
        AtomicInteger calls = new AtomicInteger();
        fake.outcome = () -> calls.incrementAndGet() < 3 ? 1 : 0;
        run(fake, 3, "sender-mailbox.json");
        assertThat(fake.attempts).hasValue(3);
        assertThat(fake.failures).isEmpty();
    }

    @Test
    void aRefusalIsNotRetriedAndLeavesTheMailboxFailedWithTheReason() {
        FakeProvisioning fake = new FakeProvisioning();
        fake.outcome = () -> 2;
        run(fake, 4, "sender-mailbox-refused.json");
        assertThat(fake.attempts).hasValue(1);
        assertThat(fake.failures).containsExactly(new MailboxFailure(4,
                "Aliyun DirectMail refused the address: InvalidMailAddress.Malformed"));
    }

    @Test
    void aProviderThatStaysDownFailsTheMailboxAfterTheRetries() {
        FakeProvisioning fake = new FakeProvisioning();
        fake.outcome = () -> 1;
        run(fake, 5, null);
        assertThat(fake.attempts).hasValue(MailboxProvisioningWorkflowImpl.MAX_ATTEMPTS);
        assertThat(fake.failures).singleElement().extracting(MailboxFailure::reason).asString()
                .contains("try again later");
    }
}
