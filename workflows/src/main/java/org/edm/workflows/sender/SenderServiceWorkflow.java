package org.edm.workflows.sender;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import org.edm.workflows.task.TaskDemand;


/**
 * The single owner of one sender service's pace ({@code sender-service-{id}}), shared by every user and task:
 * throttle between sends (INV-2), daily quota (INV-1), fair choice of the next task. Runs forever, continuing
 * as new when its history grows.
 */
@WorkflowInterface
public interface SenderServiceWorkflow {

    @WorkflowMethod
    void run(SenderServiceState state);

    /** A task has pending deliveries this service may send. Repeated signals for one task are merged. */
    @SignalMethod
    void demand(TaskDemand demand);

    /** An admin changed the service (throttle, quota, enabled...): reload before the next batch. */
    @SignalMethod
    void configurationChanged();

    @QueryMethod
    SenderServiceStatus status();
}
