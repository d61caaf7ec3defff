package org.edm.api.campaign;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.edm.api.temporal.TemporalGateway;
import org.edm.api.temporal.TemporalGateway.QueryAnswer;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignProgress;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.springframework.stereotype.Component;

import java.util.Map;

/** The api's side of {@code campaign-{id}}: start it, cancel it, ask how it is doing. */
@Component
class CampaignRuns {

    /** The name of {@link CampaignWorkflow#progress()} (a query's name is its method's name). */
    static final String PROGRESS_QUERY = "progress";

    private final TemporalGateway temporal;

    CampaignRuns(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    /**
     * Starts the campaign workflow. One campaign id is one run, ever: a duplicate start (a retry after a lost reply,
     * a second click) throws {@link WorkflowExecutionAlreadyStarted} instead of creating a second run, also after
     * the first run has closed.
     */
    void start(long campaignId, long ownerId, String campaignName) throws WorkflowExecutionAlreadyStarted {
        WorkflowOptions options = WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.campaign(campaignId))
                .setTaskQueue(TaskQueues.EDM)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE)
                .setTypedSearchAttributes(SearchAttributes.newBuilder()
                        .set(EdmSearchAttributes.CAMPAIGN_ID, campaignId)
                        .set(EdmSearchAttributes.OWNER_ID, String.valueOf(ownerId))
                        .build())
                .setMemo(Map.of("name", campaignName))
                .build();
        temporal.start(CampaignWorkflow.class, options, wf -> wf::run, new CampaignInput(campaignId));
    }

    /**
     * Whether a run of {@code campaign-{id}} exists (open or closed). False when Temporal says there is none, and
     * also when it cannot be asked: the caller then treats the start as not having happened.
     */
    boolean exists(long campaignId) {
        return temporal.exists(WorkflowIds.campaign(campaignId));
    }

    /** Signals {@code cancel}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void cancel(long campaignId, String reason) throws WorkflowNotFoundException {
        temporal.signal(CampaignWorkflow.class, WorkflowIds.campaign(campaignId), wf -> wf.cancel(reason));
    }

    /** Signals {@code pause}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void pause(long campaignId, String reason) throws WorkflowNotFoundException {
        temporal.signal(CampaignWorkflow.class, WorkflowIds.campaign(campaignId), wf -> wf.pause(reason));
    }

    /** Signals {@code resume}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void resume(long campaignId) throws WorkflowNotFoundException {
        temporal.signal(CampaignWorkflow.class, WorkflowIds.campaign(campaignId), CampaignWorkflow::resume);
    }

    /**
     * The workflow's own view of its progress, or why it could not be had. Never throws, and never takes longer than
     * {@code edm.temporal.query-timeout} ({@link TemporalGateway#query}).
     */
    Progress progress(long campaignId) {
        QueryAnswer<CampaignProgress> answer = temporal.query(WorkflowIds.campaign(campaignId), PROGRESS_QUERY,
                CampaignProgress.class);
        if (answer.answered()) {
            return new Progress(answer.value(), null);
        }
        return new Progress(null, answer.missing() == QueryAnswer.Missing.NOT_RUNNING
                ? "no workflow run found for this campaign" : "live progress unavailable: " + answer.reason());
    }

    record Progress(CampaignProgress progress, String unavailableReason) {
    }
}
