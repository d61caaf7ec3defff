package org.edm.api.campaign;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
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

    private final WorkflowClient client;

    CampaignRuns(WorkflowClient client) {
        this.client = client;
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
                        .set(EdmSearchAttributes.OWNER_ID, ownerId)
                        .build())
                .setMemo(Map.of("name", campaignName))
                .build();
        CampaignWorkflow workflow = client.newWorkflowStub(CampaignWorkflow.class, options);
        WorkflowClient.start(workflow::run, new CampaignInput(campaignId));
    }

    /** Signals {@code cancel}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void cancel(long campaignId, String reason) throws WorkflowNotFoundException {
        client.newWorkflowStub(CampaignWorkflow.class, WorkflowIds.campaign(campaignId)).cancel(reason);
    }

    /** The workflow's own view of its progress, or why it could not be had. Never throws. */
    Progress progress(long campaignId) {
        try {
            return new Progress(client.newWorkflowStub(CampaignWorkflow.class, WorkflowIds.campaign(campaignId))
                    .progress(), null);
        } catch (WorkflowNotFoundException e) {
            return new Progress(null, "no workflow run found for this campaign");
        } catch (RuntimeException e) {
            return new Progress(null, "live progress unavailable (Temporal unreachable or no worker answered): "
                    + e.getClass().getSimpleName());
        }
    }

    record Progress(CampaignProgress progress, String unavailableReason) {
    }
}
