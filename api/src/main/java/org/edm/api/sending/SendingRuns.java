package org.edm.api.sending;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import org.edm.api.temporal.OwnedWorkflows;
import org.edm.api.temporal.TemporalGateway;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sending.DomainVerificationInput;
import org.edm.workflows.sending.DomainVerificationWorkflow;
import org.edm.workflows.sending.MailboxProvisioningWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The api's side of {@code domain-{id}} and {@code sender-mailbox-{id}}: it starts and signals, workers do the I/O. */
@Component
class SendingRuns {

    private static final Logger log = LoggerFactory.getLogger(SendingRuns.class);

    private final TemporalGateway temporal;

    SendingRuns(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    /**
     * Checks the domain now: signals {@code checkNow} to its running workflow, or starts one (a new domain, or one
     * that EXPIRED and is being tried again). Throws when Temporal cannot be reached.
     */
    void checkNow(long domainId, long ownerId) {
        WorkflowOptions options = OwnedWorkflows.options(WorkflowIds.sendingDomain(domainId), ownerId,
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE);
        temporal.signalWithStart(DomainVerificationWorkflow.class, options, wf -> wf::run,
                DomainVerificationInput.start(domainId), wf -> wf::checkNow);
    }

    /** After a domain is deleted: its workflow checks once more, finds it gone and ends. Best effort. */
    void domainDeleted(long domainId) {
        try {
            temporal.signal(DomainVerificationWorkflow.class, WorkflowIds.sendingDomain(domainId),
                    DomainVerificationWorkflow::checkNow);
        } catch (WorkflowNotFoundException notRunning) {
            log.debug("domain-{} is not running", domainId);
        } catch (RuntimeException e) {
            log.warn("could not tell domain-{} that its domain is gone (it ends at its next check): {}", domainId,
                    e.toString());
        }
    }

    /** Starts provisioning; a second start of the same mailbox is a no-op. Throws when Temporal cannot be reached. */
    void provision(long mailboxId, long ownerId) {
        WorkflowOptions options = OwnedWorkflows.options(WorkflowIds.senderMailbox(mailboxId), ownerId,
                WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE);
        try {
            temporal.start(MailboxProvisioningWorkflow.class, options, wf -> wf::run, mailboxId);
        } catch (WorkflowExecutionAlreadyStarted already) {
            log.info("sender-mailbox-{} was already started", mailboxId);
        }
    }
}
