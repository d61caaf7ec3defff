package org.edm.workflows.mailbox;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code mailbox-poller}: forever (continue-as-new), every poll interval reads the mailbox of each SMTP service
 * that has one, one activity per service, so one unreachable mailbox does not hold up the others.
 */
@WorkflowInterface
public interface MailboxPollerWorkflow {

    String WORKFLOW_ID = "mailbox-poller";

    @WorkflowMethod
    void run(MailboxInput input);
}
