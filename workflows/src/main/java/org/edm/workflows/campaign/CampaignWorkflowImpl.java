package org.edm.workflows.campaign;

import io.temporal.activity.ActivityOptions;
import io.temporal.activity.LocalActivityOptions;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.common.RetryOptions;
import io.temporal.common.SearchAttributes;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.FindableState;
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

    /**
     * The plan is read by a local activity ({@link #PLAN_LOCALLY}): it runs inside the workflow task that asks for
     * it, so the task starts in the same workflow task instead of one activity round trip and one more workflow task
     * later (~40 ms of activation → first mail, issue 12). A few indexed reads and an update, well within a workflow
     * task's timeout; a failure retries like the activity did.
     */
    private final CampaignActivities local = Workflow.newLocalActivityStub(CampaignActivities.class,
            LocalActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
                    .build());

    private String state = "LOADING";
    /** EdmCampaignStatus in the Web UI (behind its own version check, see FindableState). */
    private final FindableState findable = new FindableState(EdmSearchAttributes.CAMPAIGN_STATUS);
    private List<PlannedTask> plan = List.of();
    private final List<Long> startedTaskIds = new ArrayList<>();
    private final List<Long> endedTaskIds = new ArrayList<>();
    private PlannedTask next;
    private boolean cancelRequested;
    private String cancelReason;
    private CampaignPlan campaign;
    private boolean pauseRequested;
    private boolean paused;
    private String pauseReason;
    private int planChanges;

    /** Pause, resume and live re-planning replaced the one-pass loop over the plan (version 1). */
    static final String REPLANNING_LOOP = "replanning-loop";

    /**
     * Continue-as-new (issue 11 item 12): every started task and every operator signal adds events, so a long
     * campaign hands its state to a new run once its history passes {@link #HISTORY_LIMIT} events — at a moment when
     * none of its tasks is running (a child's end can only be seen by the run that started it) and no signal waits
     * to be applied. Older histories are shorter than the limit, so they never reach this version check.
     */
    static final String CONTINUE_AS_NEW = "continue-as-new";
    static final int HISTORY_LIMIT = 1_000;

    /** The plan is loaded by a local activity (see {@link #local}); runs recorded before load it by an activity. */
    static final String PLAN_LOCALLY = "plan-by-local-activity";
    private boolean planLocally;

    @Override
    public void run(CampaignInput input) {
        planLocally = Workflow.getVersion(PLAN_LOCALLY, Workflow.DEFAULT_VERSION, 1) == 1;
        CampaignPlan loaded = loadCampaignPlan(input.campaignId());
        plan = loaded.tasks();
        if (Workflow.getVersion(REPLANNING_LOOP, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            runOnePass(input, loaded);
            return;
        }
        campaign = loaded;
        if (input.carried() != null) {
            startedTaskIds.addAll(input.carried().startedTaskIds());
            endedTaskIds.addAll(input.carried().startedTaskIds());
            paused = pauseRequested = input.carried().paused();
            pauseReason = input.carried().pauseReason();
        }
        runReplanning(input.campaignId());
    }

    private CampaignPlan loadCampaignPlan(long campaignId) {
        return planLocally ? local.loadCampaignPlan(campaignId) : activities.loadCampaignPlan(campaignId);
    }

    private void continueAsNewIfLong(long campaignId) {
        if (cancelRequested || pauseRequested != paused || planChanges > 0 || !runningTaskIds().isEmpty()
                || (Workflow.getInfo().getHistoryLength() <= HISTORY_LIMIT
                && !Workflow.getInfo().isContinueAsNewSuggested())) {
            return;
        }
        if (Workflow.getVersion(CONTINUE_AS_NEW, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            return;
        }
        Workflow.continueAsNew(new CampaignInput(campaignId,
                new CampaignCarry(List.copyOf(startedTaskIds), paused, paused ? pauseReason : null)));
    }

    /** The loop of the first release, kept as it was so its running workflows replay. */
    private void runOnePass(CampaignInput input, CampaignPlan loaded) {
        for (PlannedTask task : plan) {
            next = task;
            setState("WAITING");
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
        setState(cancelRequested ? "CANCELLING" : "RUNNING");
        Workflow.await(() -> cancelRequested || endedTaskIds.size() == startedTaskIds.size());
        activities.completeCampaign(input.campaignId(), cancelRequested);
        setState(cancelRequested ? "CANCELLED" : "COMPLETED");
    }

    /**
     * Sleeps to the earliest task not yet started on a durable timer, waking early for cancel, pause and plan
     * changes. The plan in PostgreSQL is reloaded on every planChanged signal, so an added task runs at its time, a
     * removed one never runs, and a re-timed one runs once (started ids are remembered) at its new time. While
     * paused no task starts; one whose time passed meanwhile starts as soon as the campaign resumes.
     */
    private void runReplanning(long campaignId) {
        while (!cancelRequested) {
            continueAsNewIfLong(campaignId);
            if (pauseRequested != paused) {
                applyPause(campaignId);
                continue;
            }
            if (planChanges > 0) {
                planChanges = 0;
                campaign = loadCampaignPlan(campaignId);
                plan = campaign.tasks();
                continue;
            }
            PlannedTask due = plan.stream().filter(t -> !startedTaskIds.contains(t.taskId())).findFirst().orElse(null);
            next = due;
            if (paused) {
                setState("PAUSED");
                Workflow.await(() -> cancelRequested || pauseRequested != paused || planChanges > 0);
            } else if (due == null) {
                setState("RUNNING");
                if (endedTaskIds.size() == startedTaskIds.size()) {
                    break;
                }
                Workflow.await(() -> cancelRequested || pauseRequested != paused || planChanges > 0
                        || endedTaskIds.size() == startedTaskIds.size());
            } else {
                setState("WAITING");
                long untilPlanTime = due.planTimeEpochMillis() - Workflow.currentTimeMillis();
                if (untilPlanTime > 0) {
                    Workflow.await(Duration.ofMillis(untilPlanTime),
                            () -> cancelRequested || pauseRequested != paused || planChanges > 0);
                } else {
                    startTask(campaign, due);
                }
            }
        }
        next = null;
        if (cancelRequested) {
            setState("CANCELLING");
            for (long taskId : runningTaskIds()) {
                signalTask(taskId, task -> task.cancel(cancelReason));
            }
        }
        activities.completeCampaign(campaignId, cancelRequested);
        setState(cancelRequested ? "CANCELLED" : "COMPLETED");
    }

    private void applyPause(long campaignId) {
        boolean pausing = pauseRequested;
        for (long taskId : runningTaskIds()) {
            signalTask(taskId, task -> {
                if (pausing) {
                    task.pause(pauseReason);
                } else {
                    task.resume();
                }
            });
        }
        activities.markCampaignPaused(campaignId, pausing, pausing ? pauseReason : "resumed by operator");
        paused = pausing;
    }

    /** A task may end between our bookkeeping and the signal; a signal to an ended run is no loss. */
    private static void signalTask(long taskId, java.util.function.Consumer<TaskWorkflow> signal) {
        try {
            signal.accept(Workflow.newExternalWorkflowStub(TaskWorkflow.class, WorkflowIds.task(taskId)));
        } catch (RuntimeException e) {
            log.warn("could not signal task {}: {}", taskId, e.getMessage());
        }
    }

    private List<Long> runningTaskIds() {
        return startedTaskIds.stream().filter(id -> !endedTaskIds.contains(id)).toList();
    }

    private void setState(String newState) {
        state = newState;
        findable.show(newState);
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
        if (!cancelRequested) {
            cancelReason = reason == null || reason.isBlank() ? "campaign cancelled" : reason;
        }
        cancelRequested = true;
    }

    @Override
    public void pause(String reason) {
        pauseRequested = true;
        pauseReason = reason == null || reason.isBlank() ? "paused by operator (campaign paused)" : reason;
    }

    @Override
    public void resume() {
        pauseRequested = false;
    }

    @Override
    public void planChanged() {
        planChanges++;
    }

    @Override
    public CampaignProgress progress() {
        return new CampaignProgress(state, plan.size(), List.copyOf(startedTaskIds), List.copyOf(endedTaskIds),
                next == null ? null : next.taskId(), next == null ? null : next.planTimeEpochMillis());
    }
}
