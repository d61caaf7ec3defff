package org.edm.activities.mailbox;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.mailbox.MailboxInput;
import org.edm.workflows.mailbox.MailboxPollerWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes sure the one {@code mailbox-poller} workflow runs: every worker tries to start it when it comes up, the
 * first one wins, the others find it running. Off with {@code EDM_MAILBOX_ENABLED=false}, and on the in-memory
 * test server (a forever poller under time skipping would only burn the tests' time).
 */
@Component
class MailboxPollerStarter implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(MailboxPollerStarter.class);

    private final ObjectProvider<WorkflowClient> client;
    private final boolean enabled;
    private final int pollIntervalSeconds;

    MailboxPollerStarter(ObjectProvider<WorkflowClient> client,
                         @Value("${edm.mailbox.enabled:true}") boolean enabled,
                         @Value("${spring.temporal.test-server.enabled:false}") boolean testServer,
                         @Value("${edm.mailbox.poll-interval-seconds:" + MailboxInput.DEFAULT_POLL_INTERVAL_SECONDS
                                 + "}") int pollIntervalSeconds) {
        this.client = client;
        this.enabled = enabled && !testServer;
        this.pollIntervalSeconds = pollIntervalSeconds;
    }

    @Override
    public void run(ApplicationArguments args) {
        WorkflowClient workflows = client.getIfAvailable();
        if (!enabled || workflows == null) {
            return;
        }
        MailboxPollerWorkflow poller = workflows.newWorkflowStub(MailboxPollerWorkflow.class,
                WorkflowOptions.newBuilder()
                        .setTaskQueue(TaskQueues.EDM)
                        .setWorkflowId(MailboxPollerWorkflow.WORKFLOW_ID)
                        .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                        .build());
        try {
            WorkflowClient.start(poller::run, new MailboxInput(pollIntervalSeconds));
            log.info("started {} (every {} s)", MailboxPollerWorkflow.WORKFLOW_ID, pollIntervalSeconds);
        } catch (WorkflowExecutionAlreadyStarted running) {
            log.debug("{} already running", MailboxPollerWorkflow.WORKFLOW_ID);
        } catch (RuntimeException e) {
            // the worker still serves everything else; the next worker start tries again
            log.warn("could not start {}: {}", MailboxPollerWorkflow.WORKFLOW_ID, e.toString());
        }
    }
}
