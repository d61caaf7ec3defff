package org.edm.workflows.campaign;

import io.temporal.activity.ActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignPlan.PlannedTask;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskWorkflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public final class CampaignWorkflowImpl implements CampaignWorkflow {

    private static final Logger log = Workflow.getLogger(CampaignWorkflowImpl.class);

    private final CampaignActivities activities = Workflow.newActivityStub(CampaignActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
                    .build());

    private String state = "LOADING";
    private List<PlannedTask> plan = List.of();
    private final List<Long> startedTaskIds = new ArrayList<>();
    private final List<Long> endedTaskIds = new ArrayList<>();
    private PlannedTask next;
    private boolean cancelRequested;

    @Override
    public void run(CampaignInput input) {
        CampaignPlan loaded = activities.loadCampaignPlan(input.campaignId());
        plan = loaded.tasks();
        for (PlannedTask task : plan) {
            next = task;
            state = "WAITING";
            // A durable timer: survives worker restarts and deploys; cancel wakes it early.
            Duration untilPlanTime = Duration.ofMillis(task.planTimeEpochMillis() - Workflow.currentTimeMillis());
            if (!untilPlanTime.isNegative() && !untilPlanTime.isZero()) {
                Workflow.await(untilPlanTime, () -> cancelRequested);
            }
            if (cancelRequested) {
                break;
            }
            startTask(loaded, task);
        }
        next = null;
        state = cancelRequested ? "CANCELLING" : "RUNNING";
        Workflow.await(() -> cancelRequested || endedTaskIds.size() == startedTaskIds.size());
        activities.completeCampaign(input.campaignId(), cancelRequested);
        state = cancelRequested ? "CANCELLED" : "COMPLETED";
    }

    private void startTask(CampaignPlan campaign, PlannedTask task) {
        TaskWorkflow child = Workflow.newChildWorkflowStub(TaskWorkflow.class, ChildWorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(task.taskId()))
                .setTaskQueue(TaskQueues.EDM)
                // a task keeps sending what it started even if its campaign run ends early
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setTypedSearchAttributes(SearchAttributes.newBuilder()
                        .set(EdmSearchAttributes.CAMPAIGN_ID, campaign.campaignId())
                        .set(EdmSearchAttributes.TASK_ID, task.taskId())
                        .set(EdmSearchAttributes.OWNER_ID, String.valueOf(campaign.ownerId()))
                        .build())
                .build());
        Async.function(child::run, new TaskInput(task.taskId(), campaign.campaignId()))
                .handle((outcome, failure) -> {
                    if (failure != null) {
                        log.warn("task {} ended with a failure: {}", task.taskId(), failure.getMessage());
                    }
                    endedTaskIds.add(task.taskId());
                    return null;
                });
        Workflow.getWorkflowExecution(child).get();
        startedTaskIds.add(task.taskId());
    }

    @Override
    public void cancel(String reason) {
        cancelRequested = true;
    }

    @Override
    public CampaignProgress progress() {
        return new CampaignProgress(state, plan.size(), List.copyOf(startedTaskIds), List.copyOf(endedTaskIds),
                next == null ? null : next.taskId(), next == null ? null : next.planTimeEpochMillis());
    }
}
