package org.edm.activities.mailbox;

import io.temporal.client.WorkflowClient;
import org.edm.activities.support.SingletonWorkflows;
import org.edm.workflows.mailbox.MailboxInput;
import org.edm.workflows.mailbox.MailboxPollerWorkflow;
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
        SingletonWorkflows.startOnce(workflows, MailboxPollerWorkflow.class, MailboxPollerWorkflow.WORKFLOW_ID,
                poller -> WorkflowClient.start(poller::run, new MailboxInput(pollIntervalSeconds)));
    }
}
