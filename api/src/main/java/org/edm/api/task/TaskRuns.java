package org.edm.api.task;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.api.temporal.TemporalGateway;
import org.edm.api.temporal.TemporalGateway.QueryAnswer;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskProgress;
import org.edm.workflows.task.TaskWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.function.Consumer;

/** The api's side of {@code task-{id}} (and of the campaign's re-plan): signal it, start a new run, ask its progress. */
@Component
class TaskRuns {

    private static final Logger log = LoggerFactory.getLogger(TaskRuns.class);

    /** The name of {@link TaskWorkflow#progress()} (a query's name is its method's name). */
    static final String PROGRESS_QUERY = "progress";

    private final TemporalGateway temporal;

    TaskRuns(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    /** Signals the task's open run; {@link WorkflowNotFoundException} when none is open. */
    void signal(long taskId, Consumer<TaskWorkflow> signal) throws WorkflowNotFoundException {
        temporal.signal(TaskWorkflow.class, WorkflowIds.task(taskId), signal);
    }

    /**
     * Tells a running campaign workflow to reload its plan. A draft campaign has no workflow yet and a finished one
     * none any more; either way there is nothing to tell.
     */
    void planChanged(long campaignId) {
        try {
            temporal.signal(CampaignWorkflow.class, WorkflowIds.campaign(campaignId), CampaignWorkflow::planChanged);
        } catch (WorkflowNotFoundException notRunning) {
            log.debug("campaign-{} is not running; its plan is read when it starts", campaignId);
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("the change is saved, but campaign " + campaignId
                    + " could not be told to re-plan (Temporal unreachable?); repeat the request to retry", e);
        }
    }

    /**
     * Starts a new run of {@code task-{id}} (the id is reused: the earlier run has closed, or is past finishing the
     * task). A run still open after the task FINISHED will not look at reopened deliveries, so it is replaced.
     */
    void startRun(long taskId, long campaignId, long ownerId, String replacedBecause) {
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(taskId))
                .setTaskQueue(TaskQueues.EDM)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(SearchAttributes.newBuilder()
                        .set(EdmSearchAttributes.CAMPAIGN_ID, campaignId)
                        .set(EdmSearchAttributes.TASK_ID, taskId)
                        .set(EdmSearchAttributes.OWNER_ID, String.valueOf(ownerId))
                        .build())
                .build();
        TaskInput input = new TaskInput(taskId, campaignId);
        try {
            temporal.start(TaskWorkflow.class, options, wf -> wf::run, input);
        } catch (WorkflowExecutionAlreadyStarted stillOpen) {
            temporal.terminate(WorkflowIds.task(taskId), replacedBecause);
            temporal.start(TaskWorkflow.class, options, wf -> wf::run, input);
        }
    }

    /** The task workflow's own answer to its progress query, within {@code edm.temporal.query-timeout}. */
    QueryAnswer<TaskProgress> progress(long taskId) {
        return temporal.query(WorkflowIds.task(taskId), PROGRESS_QUERY, TaskProgress.class);
    }
}
