package org.edm.workflows.task;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import org.edm.workflows.sender.TaskDemand;

import java.time.Duration;

public final class TaskWorkflowImpl implements TaskWorkflow {

    /** How long to wait for a "drained" signal before looking at the deliveries anyway. */
    static final Duration FIRST_RECHECK = Duration.ofMinutes(1);
    static final Duration MAX_RECHECK = Duration.ofMinutes(30);

    private final TaskActivities activities = Workflow.newActivityStub(TaskActivities.class,
            ActivityOptions.newBuilder()
                    // materialising a million-contact audience is one statement, but not a quick one
                    .setStartToCloseTimeout(Duration.ofMinutes(10))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
                    .build());

    private long taskId;
    private String state = "RESOLVING";
    private int audienceSize;
    private DeliveryCounts lastCounts = DeliveryCounts.NONE;
    private int drainedSignals;

    @Override
    public TaskOutcome run(TaskInput input) {
        taskId = input.taskId();
        TaskAudience audience = activities.materializeDeliveries(taskId);
        audienceSize = audience.audienceSize();
        if (audience.pending() > 0) {
            state = "SENDING";
            TaskDemand demand = new TaskDemand(taskId, audience.ownerId(), audience.taskCreatedAtEpochMillis());
            activities.publishDemand(demand);
            waitUntilEveryDeliveryIsDecided(demand);
        }
        activities.finishTask(taskId);
        lastCounts = activities.countDeliveries(taskId);
        state = "FINISHED";
        return new TaskOutcome(taskId, state, lastCounts);
    }

    /**
     * Services signal when they find nothing left to claim; the deliveries in PostgreSQL decide. If no signal
     * comes (a service was restarted, or none is usable right now) the demand is published again, with a
     * growing pause so a task that waits days for quota keeps a short history.
     */
    private void waitUntilEveryDeliveryIsDecided(TaskDemand demand) {
        Duration recheck = FIRST_RECHECK;
        while (true) {
            int seen = drainedSignals;
            boolean signalled = Workflow.await(recheck, () -> drainedSignals > seen);
            lastCounts = activities.countDeliveries(taskId);
            if (lastCounts.outstanding() == 0) {
                return;
            }
            if (signalled) {
                recheck = FIRST_RECHECK;
            } else {
                if (lastCounts.pending() > 0) {
                    activities.publishDemand(demand);
                }
                recheck = recheck.multipliedBy(2).compareTo(MAX_RECHECK) > 0 ? MAX_RECHECK : recheck.multipliedBy(2);
            }
        }
    }

    @Override
    public void serviceDrained(long senderServiceId) {
        drainedSignals++;
    }

    @Override
    public TaskProgress progress() {
        return new TaskProgress(taskId, state, audienceSize, lastCounts);
    }
}
