package org.edm.workflows.sending;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code sender-mailbox-{id}}: provisions one sender mailbox at Aliyun DirectMail. Transient provider trouble is
 * retried with backoff; a refusal, or trouble that outlasts the retries, leaves the mailbox FAILED with a reason.
 */
@WorkflowInterface
public interface MailboxProvisioningWorkflow {

    @WorkflowMethod
    void run(long mailboxId);
}
