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

    /**
     * Stops pulling: the task becomes PAUSED with this reason in PostgreSQL, which the send path reads, so sender
     * services stop within one batch. Repeated pauses only change the reason.
     */
    @SignalMethod
    void pause(String reason);

    /** Continues a paused task: SENDING again and demand re-published. */
    @SignalMethod
    void resume();

    /** Every unsent (PENDING) delivery becomes CANCELLED, the task CANCELLED, and its unsent quota is refunded. */
    @SignalMethod
    void cancel(String reason);

    /** Deliveries went back to PENDING (a retry of failed ones): publish demand again now. */
    @SignalMethod
    void deliveriesReopened();

    /**
     * The owner's quota went up (an admin's adjustment): a task paused for want of it ({@code 当前没有发信额度})
     * looks again now instead of at its next recheck. Harmless otherwise.
     */
    @SignalMethod
    void quotaGranted();

    @QueryMethod
    TaskProgress progress();
}
