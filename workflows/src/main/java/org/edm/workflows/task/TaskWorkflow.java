package org.edm.workflows.task;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One task ({@code task-{id}}): resolves the audience into deliveries, publishes demand to the sender
 * services its owner may use, waits until every delivery is terminal, then finalises the task.
 */
@WorkflowInterface
public interface TaskWorkflow {

    @WorkflowMethod
    TaskOutcome run(TaskInput input);

    /** A sender service found no pending delivery of this task left to claim. */
    @SignalMethod
    void serviceDrained(long senderServiceId);

    @QueryMethod
    TaskProgress progress();
}
