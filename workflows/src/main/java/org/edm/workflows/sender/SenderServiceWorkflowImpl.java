package org.edm.workflows.sender;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInit;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.FindableState;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.task.TaskDemand;
import org.edm.workflows.task.TaskWorkflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public final class SenderServiceWorkflowImpl implements SenderServiceWorkflow {

    private static final Logger log = Workflow.getLogger(SenderServiceWorkflowImpl.class);

    private final DeliveryActivities deliveries = Workflow.newActivityStub(DeliveryActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(10))
                    // a killed worker is noticed within this; the retry turns its in-flight send into UNKNOWN
                    .setHeartbeatTimeout(Duration.ofSeconds(20))
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofSeconds(1))
                            .setMaximumInterval(Duration.ofMinutes(1))
                            .build())
                    .build());

    private final long senderServiceId;
    private final Map<Long, TaskDemand> demands = new LinkedHashMap<>();
    private final Map<Long, Long> lastServedByOwner = new HashMap<>();
    /**
     * Per waiting task, the size of its next unthrottled batch (see {@link ServicePace}). Not carried across
     * continue-as-new: a task simply starts again from a first batch, which costs a few small batches.
     */
    private final Map<Long, Integer> nextBatchSize = new HashMap<>();
    private long servingClock;
    private boolean configurationChanged = true;
    private ServicePace pace;
    private String state = "STARTING";
    /** EdmServiceState: whether the service can send, not each batch's IDLE/SENDING/COOLING (history stays short). */
    private final FindableState findable = new FindableState(EdmSearchAttributes.SERVICE_STATE);
    private long sentByThisRun;
    private Long sleepingUntil;

    @WorkflowInit
    public SenderServiceWorkflowImpl(SenderServiceState carried) {
        senderServiceId = carried.senderServiceId();
        carried.demands().forEach(d -> demands.put(d.taskId(), d));
        lastServedByOwner.putAll(carried.lastServedByOwner());
        servingClock = carried.servingClock();
    }

    @Override
    public void run(SenderServiceState carried) {
        while (true) {
            if (configurationChanged) {
                configurationChanged = false;
                pace = deliveries.loadServicePace(senderServiceId);
                // a changed service (throttle, limits) sizes its batches afresh
                nextBatchSize.clear();
            }
            if (!pace.usable()) {
                state = "UNUSABLE";
                findable.show(pace.condition() == null ? "UNUSABLE" : pace.condition());
                Workflow.await(() -> configurationChanged);
                continue;
            }
            state = "IDLE";
            findable.show("ACTIVE");
            Workflow.await(() -> !demands.isEmpty() || configurationChanged);
            if (configurationChanged) {
                continue;
            }
            serve(nextTaskFairly());
            if (Workflow.getInfo().isContinueAsNewSuggested()) {
                Workflow.await(Workflow::isEveryHandlerFinished);
                Workflow.continueAsNew(new SenderServiceState(senderServiceId, new ArrayList<>(demands.values()),
                        new HashMap<>(lastServedByOwner), servingClock));
            }
        }
    }

    private void serve(TaskDemand demand) {
        state = "SENDING";
        int size = nextBatchSize.getOrDefault(demand.taskId(), pace.firstBatch());
        // the workflow clock adds no command: only the batch's size (an activity argument) differs from fixed batches
        long scheduledAt = Workflow.currentTimeMillis();
        DeliveryBatchResult result = deliveries.deliverBatch(
                new DeliveryBatch(senderServiceId, demand.taskId(), size, pace.throttleMillis()));
        nextBatchSize.put(demand.taskId(), pace.nextBatch(size, result.claimed(),
                Workflow.currentTimeMillis() - scheduledAt, result.taskDrained() || result.quotaExhausted()));
        sentByThisRun += result.sent();
        lastServedByOwner.put(demand.ownerId(), ++servingClock);
        if (result.serviceUnusable()) {
            configurationChanged = true;
            return;
        }
        if (result.taskDrained()) {
            demands.remove(demand.taskId());
            nextBatchSize.remove(demand.taskId());
            tellTaskDrained(demand.taskId());
        }
        if (result.quotaExhausted()) {
            state = "QUOTA_EXHAUSTED";
            findable.show(state);
            sleepingUntil = result.quotaResetsAtEpochMillis();
            Duration untilReset = Duration.ofMillis(Math.max(1, sleepingUntil - Workflow.currentTimeMillis()));
            Workflow.await(untilReset, () -> configurationChanged);
            sleepingUntil = null;
            return;
        }
        if (pace.throttleMillis() > 0 && result.claimed() > 0) {
            // INV-2: the next batch's first send comes at least one throttle after this batch's last send.
            state = "COOLING";
            // reading the workflow clock adds no command: old histories replay unchanged
            sleepingUntil = Workflow.currentTimeMillis() + pace.throttleMillis();
            Workflow.sleep(Duration.ofMillis(pace.throttleMillis()));
            sleepingUntil = null;
        }
    }

    /** The user served least recently first; within a user, the oldest task first (F21). */
    private TaskDemand nextTaskFairly() {
        return demands.values().stream()
                .min(Comparator.<TaskDemand>comparingLong(d -> lastServedByOwner.getOrDefault(d.ownerId(), 0L))
                        .thenComparingLong(TaskDemand::ownerId)
                        .thenComparingLong(TaskDemand::taskCreatedAtEpochMillis)
                        .thenComparingLong(TaskDemand::taskId))
                .orElseThrow();
    }

    private void tellTaskDrained(long taskId) {
        try {
            Workflow.newExternalWorkflowStub(TaskWorkflow.class, WorkflowIds.task(taskId))
                    .serviceDrained(senderServiceId);
        } catch (ApplicationFailure | io.temporal.workflow.SignalExternalWorkflowException e) {
            // the task has already finished (or was never started by a workflow): nothing to tell
            log.info("task {} did not take the drained signal: {}", taskId, e.getMessage());
        }
    }

    @Override
    public void demand(TaskDemand demand) {
        demands.put(demand.taskId(), demand);
    }

    @Override
    public void configurationChanged() {
        configurationChanged = true;
    }

    @Override
    public SenderServiceStatus status() {
        return new SenderServiceStatus(senderServiceId, state, List.copyOf(demands.keySet()), sentByThisRun,
                sleepingUntil);
    }
}
