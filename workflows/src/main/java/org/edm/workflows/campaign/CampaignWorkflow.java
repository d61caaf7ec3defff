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

    /**
     * Pauses the campaign: running tasks are paused, and no task starts while the campaign is paused; a task whose
     * plan time passes meanwhile starts at once on resume.
     */
    @SignalMethod
    void pause(String reason);

    @SignalMethod
    void resume();

    /** Tasks were added, removed or re-timed in PostgreSQL: reload the plan of the tasks not yet started. */
    @SignalMethod
    void planChanged();

    @QueryMethod
    CampaignProgress progress();
}
