package org.edm.api.campaign;

import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.api.query.v1.WorkflowQuery;
import io.temporal.api.workflowservice.v1.QueryWorkflowRequest;
import io.temporal.api.workflowservice.v1.QueryWorkflowResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.SearchAttributes;
import org.edm.api.EdmApiProperties;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignProgress;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The api's side of {@code campaign-{id}}: start it, cancel it, ask how it is doing. */
@Component
class CampaignRuns {

    /** The name of {@link CampaignWorkflow#progress()} (a query's name is its method's name). */
    static final String PROGRESS_QUERY = "progress";

    private final WorkflowClient client;
    private final Duration queryTimeout;

    CampaignRuns(WorkflowClient client, EdmApiProperties properties) {
        this.client = client;
        this.queryTimeout = properties.temporal().queryTimeout();
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
        CampaignWorkflow workflow = client.newWorkflowStub(CampaignWorkflow.class, options);
        WorkflowClient.start(workflow::run, new CampaignInput(campaignId));
    }

    /**
     * Whether a run of {@code campaign-{id}} exists (open or closed). False when Temporal says there is none, and
     * also when it cannot be asked: the caller then treats the start as not having happened.
     */
    boolean exists(long campaignId) {
        try {
            client.newUntypedWorkflowStub(WorkflowIds.campaign(campaignId)).describe();
            return true;
        } catch (WorkflowNotFoundException none) {
            return false;
        } catch (RuntimeException unreachable) {
            return false;
        }
    }

    /** Signals {@code cancel}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void cancel(long campaignId, String reason) throws WorkflowNotFoundException {
        client.newWorkflowStub(CampaignWorkflow.class, WorkflowIds.campaign(campaignId)).cancel(reason);
    }

    /** Signals {@code pause}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void pause(long campaignId, String reason) throws WorkflowNotFoundException {
        client.newWorkflowStub(CampaignWorkflow.class, WorkflowIds.campaign(campaignId)).pause(reason);
    }

    /** Signals {@code resume}; {@link WorkflowNotFoundException} when no run of the campaign is open. */
    void resume(long campaignId) throws WorkflowNotFoundException {
        client.newWorkflowStub(CampaignWorkflow.class, WorkflowIds.campaign(campaignId)).resume();
    }

    /**
     * The workflow's own view of its progress, or why it could not be had. Never throws, and never takes longer than
     * {@code edm.temporal.query-timeout}: a query needs a worker to answer, and a campaign page must not hang when
     * none is polling. That is why this is one raw QueryWorkflow call with a deadline rather than the typed stub,
     * whose client retries would stretch the wait past the timeout.
     */
    Progress progress(long campaignId) {
        try {
            QueryWorkflowResponse response = client.getWorkflowServiceStubs().blockingStub()
                    .withDeadlineAfter(queryTimeout.toMillis(), TimeUnit.MILLISECONDS)
                    .queryWorkflow(QueryWorkflowRequest.newBuilder()
                            .setNamespace(client.getOptions().getNamespace())
                            .setExecution(WorkflowExecution.newBuilder()
                                    .setWorkflowId(WorkflowIds.campaign(campaignId)))
                            .setQuery(WorkflowQuery.newBuilder().setQueryType(PROGRESS_QUERY))
                            .build());
            CampaignProgress progress = client.getOptions().getDataConverter().fromPayloads(0,
                    Optional.of(response.getQueryResult()), CampaignProgress.class, CampaignProgress.class);
            return new Progress(progress, null);
        } catch (StatusRuntimeException e) {
            return new Progress(null, switch (e.getStatus().getCode()) {
                case NOT_FOUND -> "no workflow run found for this campaign";
                case DEADLINE_EXCEEDED -> "live progress unavailable: no worker answered within "
                        + queryTimeout.toMillis() + " ms";
                case UNAVAILABLE -> "live progress unavailable: Temporal unreachable";
                default -> "live progress unavailable: " + e.getStatus().getCode();
            });
        } catch (RuntimeException e) {
            return new Progress(null, "live progress unavailable: " + e.getClass().getSimpleName());
        }
    }

    record Progress(CampaignProgress progress, String unavailableReason) {
    }
}
