package org.edm.workflows.campaign;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One campaign ({@code campaign-{id}}): sleeps to each task's plan_time on a durable timer and starts a
 * {@code TaskWorkflow} child per task; completes when every task has ended.
 */
@WorkflowInterface
public interface CampaignWorkflow {

    @WorkflowMethod
    void run(CampaignInput input);

    /** Stops the campaign: tasks not yet started never start; running tasks are cancelled. */
    @SignalMethod
    void cancel(String reason);

    @QueryMethod
    CampaignProgress progress();
}
