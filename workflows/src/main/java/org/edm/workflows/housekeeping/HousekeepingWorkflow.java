package org.edm.workflows.housekeeping;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code housekeeping}: forever (continue-as-new), every interval removes what is past its retention (finished
 * webhook deliveries, the content of finished API messages, expired sign-in tokens, old sign-in failures). Payloads
 * are counts only.
 */
@WorkflowInterface
public interface HousekeepingWorkflow {

    String WORKFLOW_ID = "housekeeping";

    @WorkflowMethod
    void run(HousekeepingInput input);
}
