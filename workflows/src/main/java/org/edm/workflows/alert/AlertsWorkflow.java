package org.edm.workflows.alert;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code alerts}: forever (continue-as-new), every interval evaluates all alert rules (raise what crossed, resolve
 * what cleared) and then e-mails the admins about what changed. Payloads are counts only.
 */
@WorkflowInterface
public interface AlertsWorkflow {

    String WORKFLOW_ID = "alerts";

    @WorkflowMethod
    void run(AlertsInput input);
}
