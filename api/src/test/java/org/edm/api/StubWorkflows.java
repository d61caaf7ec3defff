package org.edm.api;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import io.temporal.workflow.Workflow;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignProgress;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.edm.workflows.sender.SenderServiceState;
import org.edm.workflows.sender.SenderServiceStatus;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.edm.workflows.task.TaskDemand;
import org.edm.workflows.sending.DomainVerificationInput;
import org.edm.workflows.sending.DomainVerificationWorkflow;
import org.edm.workflows.sending.MailboxProvisioningWorkflow;
import org.edm.workflows.signup.SignUpVerificationInput;
import org.edm.workflows.signup.SignUpVerificationWorkflow;
import org.edm.workflows.signup.VerificationMailResult;
import org.edm.workflows.task.DeliveryCounts;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskOutcome;
import org.edm.workflows.task.TaskProgress;
import org.edm.workflows.task.TaskWorkflow;
import org.edm.workflows.webhook.WebhookEndpointInput;
import org.edm.workflows.webhook.WebhookEndpointWorkflow;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

import java.util.List;

/**
 * The api hosts no workers; in tests a worker on the starter's in-memory Temporal runs stand-ins for the real
 * workflows, so we can see what the api started and signalled.
 */
@TestConfiguration(proxyBeanMethods = false)
public class StubWorkflows {

    @Bean
    Worker stubWorker(TestWorkflowEnvironment env) {
        for (var key : EdmSearchAttributes.ALL) {
            env.registerSearchAttribute(key.getName(), key.getValueType());
        }
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(StubCampaignWorkflow.class, StubSenderServiceWorkflow.class,
                StubTaskWorkflow.class, StubDomainVerificationWorkflow.class, StubMailboxProvisioningWorkflow.class,
                StubSignUpVerificationWorkflow.class, StubWebhookEndpointWorkflow.class);
        env.start();
        return worker;
    }

    /** Runs until the test ends; each wake is a signal in its history, so a test sees what the api asked for. */
    public static class StubWebhookEndpointWorkflow implements WebhookEndpointWorkflow {

        @Override
        public void run(WebhookEndpointInput input) {
            Workflow.await(() -> false);
        }

        @Override
        public void wake() {
        }
    }

    /** Ends at once as if the mail had left; a test sees that the api started it (and for whom) in its history. */
    public static class StubSignUpVerificationWorkflow implements SignUpVerificationWorkflow {

        @Override
        public VerificationMailResult run(SignUpVerificationInput input) {
            return new VerificationMailResult(input.userId(), VerificationMailResult.SENT, null);
        }
    }

    /** Waits until cancelled; reports its state through the real {@code progress} query. */
    public static class StubCampaignWorkflow implements CampaignWorkflow {

        private String cancelReason;

        @Override
        public void run(CampaignInput input) {
            Workflow.await(() -> cancelReason != null);
        }

        @Override
        public void cancel(String reason) {
            cancelReason = reason;
        }

        @Override
        public void pause(String reason) {
        }

        @Override
        public void resume() {
        }

        @Override
        public void planChanged() {
        }

        @Override
        public CampaignProgress progress() {
            return new CampaignProgress(cancelReason == null ? "WAITING" : "CANCELLED", 1, List.of(), List.of(),
                    null, null);
        }
    }

    /** Waits until cancelled; the test reads the signals it got from its history. */
    public static class StubTaskWorkflow implements TaskWorkflow {

        private long id;
        private String pauseReason;
        private String cancelReason;

        @Override
        public TaskOutcome run(TaskInput input) {
            id = input.taskId();
            Workflow.await(() -> cancelReason != null);
            return new TaskOutcome(id, "CANCELLED", DeliveryCounts.NONE);
        }

        @Override
        public void serviceDrained(long senderServiceId) {
        }

        @Override
        public void pause(String reason) {
            pauseReason = reason;
        }

        @Override
        public void resume() {
            pauseReason = null;
        }

        @Override
        public void cancel(String reason) {
            cancelReason = reason;
        }

        @Override
        public void deliveriesReopened() {
        }

        @Override
        public void quotaGranted() {
        }

        @Override
        public TaskProgress progress() {
            return new TaskProgress(id, pauseReason == null ? "SENDING" : "PAUSED", 0, DeliveryCounts.NONE,
                    pauseReason);
        }
    }

    /** Runs until told nothing; the test reads the signals it got from its history. */
    public static class StubSenderServiceWorkflow implements SenderServiceWorkflow {

        private long id;

        @Override
        public void run(SenderServiceState state) {
            id = state.senderServiceId();
            Workflow.await(() -> false);
        }

        @Override
        public void demand(TaskDemand demand) {
        }

        @Override
        public void configurationChanged() {
        }

        @Override
        public SenderServiceStatus status() {
            return new SenderServiceStatus(id, "IDLE", List.of(), 0, null);
        }
    }

    /** Waits forever; the test reads its checkNow signals from its history. */
    public static class StubDomainVerificationWorkflow implements DomainVerificationWorkflow {

        @Override
        public void run(DomainVerificationInput input) {
            Workflow.await(() -> false);
        }

        @Override
        public void checkNow() {
        }
    }

    /** Waits forever, so the test sees that the api started it. */
    public static class StubMailboxProvisioningWorkflow implements MailboxProvisioningWorkflow {

        @Override
        public void run(long mailboxId) {
            Workflow.await(() -> false);
        }
    }
}
