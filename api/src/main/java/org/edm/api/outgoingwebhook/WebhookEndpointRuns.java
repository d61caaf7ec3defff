package org.edm.api.outgoingwebhook;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowOptions;
import org.edm.api.temporal.OwnedWorkflows;
import org.edm.api.temporal.TemporalGateway;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.webhook.WebhookEndpointInput;
import org.edm.workflows.webhook.WebhookEndpointWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The api's side of {@code webhook-endpoint-{id}}: it starts and wakes the workflow; the worker makes the calls. */
@Component
class WebhookEndpointRuns {

    private static final Logger log = LoggerFactory.getLogger(WebhookEndpointRuns.class);

    private final TemporalGateway temporal;

    WebhookEndpointRuns(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    /**
     * Wakes the endpoint's workflow, starting it if it is not running (a new endpoint, or one whose run ended).
     * Throws when Temporal cannot be reached. Call it after the endpoint's row is committed: a run that looked
     * before would find no endpoint and end.
     */
    void wake(long endpointId, long ownerId) {
        WorkflowOptions options = OwnedWorkflows.options(WorkflowIds.webhookEndpoint(endpointId), ownerId,
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
        temporal.signalWithStart(WebhookEndpointWorkflow.class, options, wf -> wf::run,
                WebhookEndpointInput.start(endpointId), wf -> wf::wake);
    }

    /**
     * After the current transaction commits, best effort: the running workflow also polls every minute, and the
     * next change or replay tries again.
     */
    void wakeAfterCommit(long endpointId, long ownerId) {
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                try {
                    wake(endpointId, ownerId);
                } catch (RuntimeException e) {
                    log.warn("could not wake webhook-endpoint-{} (it polls on its own if running): {}", endpointId,
                            e.toString());
                }
            }
        });
    }
}
