package org.edm.workflows;

import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.testing.WorkflowReplayer;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerOptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Duration;

/**
 * Replays stored histories (src/test/resources/histories, recorded by the workflow tests with
 * -Dedm.record-histories=true) against today's code: a change that would break a running workflow fails here
 * and has to go behind Workflow.getVersion.
 */
class ReplayTests {

    @ParameterizedTest
    @CsvSource({
            "histories/campaign.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/campaign-pause-resume-cancel.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/campaign-replanned.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/campaign-findable.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/campaign-plan-locally.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/task.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-demand-with-audience.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-findable.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-pause-resume-cancel.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-without-audience.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-sendability-quota.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-sendability-no-service.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-quota-granted.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-continued-as-new-first-run.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-continued-as-new-last-run.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/task-outstanding-first.json, org.edm.workflows.task.TaskWorkflowImpl",
            "histories/campaign-continued-as-new-first-run.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/campaign-continued-as-new-last-run.json, org.edm.workflows.campaign.CampaignWorkflowImpl",
            "histories/sender-service.json, org.edm.workflows.sender.SenderServiceWorkflowImpl",
            "histories/sender-service-findable.json, org.edm.workflows.sender.SenderServiceWorkflowImpl",
            "histories/sender-service-growing-batches.json, org.edm.workflows.sender.SenderServiceWorkflowImpl",
            "histories/mailbox-poller.json, org.edm.workflows.mailbox.MailboxPollerWorkflowImpl",
            "histories/domain-verification.json, org.edm.workflows.sending.DomainVerificationWorkflowImpl",
            "histories/domain-monitoring.json, org.edm.workflows.sending.DomainVerificationWorkflowImpl",
            "histories/domain-verification-registered.json, org.edm.workflows.sending.DomainVerificationWorkflowImpl",
            "histories/sender-mailbox.json, org.edm.workflows.sending.MailboxProvisioningWorkflowImpl",
            "histories/sender-mailbox-refused.json, org.edm.workflows.sending.MailboxProvisioningWorkflowImpl",
            "histories/sign-up.json, org.edm.workflows.signup.SignUpVerificationWorkflowImpl",
            "histories/api-send.json, org.edm.workflows.apisend.ApiSendWorkflowImpl",
            "histories/webhook-endpoint.json, org.edm.workflows.webhook.WebhookEndpointWorkflowImpl",
            "histories/webhook-endpoint-idle-poll.json, org.edm.workflows.webhook.WebhookEndpointWorkflowImpl",
            "histories/alerts.json, org.edm.workflows.alert.AlertsWorkflowImpl",
            "histories/housekeeping.json, org.edm.workflows.housekeeping.HousekeepingWorkflowImpl"})
    void storedHistoryReplaysOnCurrentCode(String resource, Class<?> workflowImpl) throws Exception {
        TestWorkflowEnvironment environment = TestWorkflowEnvironment.newInstance();
        try {
            // replay runs as a query on a workflow thread; on a loaded build machine that thread can be held past the
            // SDK's default 1 s deadlock detection, which failed a replay once ("query failure during replay")
            Worker worker = environment.newWorker("replay", WorkerOptions.newBuilder()
                    .setDefaultDeadlockDetectionTimeout(Duration.ofSeconds(30).toMillis()).build());
            worker.registerWorkflowImplementationTypes(workflowImpl);
            WorkflowReplayer.replayWorkflowExecutionFromResource(resource, worker);
        } finally {
            environment.close();
        }
    }
}
