package org.edm.api.sender;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Tells a running {@code sender-service-{id}} workflow that an admin changed its service. */
@Component
class SenderServiceSignals {

    private static final Logger log = LoggerFactory.getLogger(SenderServiceSignals.class);

    private final WorkflowClient client;

    SenderServiceSignals(WorkflowClient client) {
        this.client = client;
    }

    /**
     * Best effort, after the change committed: the database is the truth and the workflow reloads it before its
     * next batch. Not running is fine (it reads the configuration when it starts); Temporal being unreachable is
     * logged, not failed, because the admin's change is already saved.
     */
    void configurationChanged(long serviceId) {
        String workflowId = WorkflowIds.senderService(serviceId);
        try {
            client.newWorkflowStub(SenderServiceWorkflow.class, workflowId).configurationChanged();
        } catch (WorkflowNotFoundException notRunning) {
            log.debug("{} is not running; nothing to tell", workflowId);
        } catch (RuntimeException e) {
            log.warn("could not signal configurationChanged to {} (it will pick the change up when it reloads): {}",
                    workflowId, e.toString());
        }
    }
}
