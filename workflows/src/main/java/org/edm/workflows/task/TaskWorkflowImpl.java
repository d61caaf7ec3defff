package org.edm.workflows.task;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.FindableState;

import java.time.Duration;
import java.util.Objects;

public final class TaskWorkflowImpl implements TaskWorkflow {

    /** How long to wait for a "drained" signal before looking at the deliveries anyway. */
    static final Duration FIRST_RECHECK = Duration.ofMinutes(1);
    static final Duration MAX_RECHECK = Duration.ofMinutes(30);

    /**
     * Operator controls (pause, resume, cancel, retry) add commands to a run only when such a signal arrives;
     * histories recorded before them never reach this version check.
     */
    static final String OPERATOR_CONTROLS = "operator-controls";

    /** F20 pause reasons set by the system (no usable sender service, all quota used): checked on every recheck. */
    static final String SENDABILITY = "sendability-pause";
    /**
     * How soon a task paused for want of a usable sender service first looks again (an admin binds or unfreezes
     * one); the pause between looks doubles up to {@link #MAX_RECHECK}, so a long pause keeps a short history.
     */
    static final Duration SYSTEM_PAUSE_RECHECK = Duration.ofMinutes(5);

    /**
     * A {@link #quotaGranted} signal wakes a task paused for want of user quota at once. Histories recorded before
     * it never see the signal; the version keeps their await conditions exactly as they were.
     */
    static final String QUOTA_GRANTED = "quota-granted-wakes";

    /**
     * A recheck first counts only what is outstanding ({@code countOutstanding}: the tail still to claim and the
     * batches in flight) and reads every delivery of the task ({@code countDeliveries}) only when that finds none.
     * Before, each recheck read all of them: a second or more per look at a task of a million deliveries.
     */
    static final String OUTSTANDING_FIRST = "outstanding-first";

    /**
     * Continue-as-new (issue 11 item 12): a task waiting weeks for quota or a usable service rechecks every half hour,
     * which would grow one run's history towards Temporal's limit. Past {@link #HISTORY_LIMIT} events (or when
     * Temporal suggests it) the wait loop hands its state to a new run. Older histories are shorter than the limit,
     * so they never reach this version check.
     */
    static final String CONTINUE_AS_NEW = "continue-as-new";
    static final int HISTORY_LIMIT = 1_000;

    /**
     * plan_time → first mail (issue 12): the first demand goes out from the activity that resolves the audience
     * ({@link TaskActivities#startSending}) instead of from a second activity one workflow task later. Runs recorded
     * before it call materializeDeliveries and publishDemand as they did.
     */
    static final String DEMAND_WITH_AUDIENCE = "demand-with-audience";

    private final TaskActivities activities = Workflow.newActivityStub(TaskActivities.class,
            ActivityOptions.newBuilder()
                    // materialising a million-contact audience is one statement, but not a quick one
                    .setStartToCloseTimeout(Duration.ofMinutes(10))
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumInterval(Duration.ofMinutes(1)).build())
                    .build());

    /** EdmTaskStatus and the name memo in the Web UI (behind its own version check, see FindableState). */
    private final FindableState findable = new FindableState(EdmSearchAttributes.TASK_STATUS);

    private long taskId;
    private long campaignId;
    private String state = "RESOLVING";
    private int audienceSize;
    private DeliveryCounts lastCounts = DeliveryCounts.NONE;
    private int drainedSignals;

    // What the operator asked for (signals) versus what has been applied (through activities).
    private String requestedPauseReason;
    private String appliedPauseReason;
    /** A pause the system applied (F20), not the operator; lifted by the system too. */
    private String systemPauseReason;
    private Duration systemPauseRecheck;
    private String cancelReason;
    private boolean cancelled;
    private int reopenedSignals;
    private int quotaGrants;

    @Override
    public TaskOutcome run(TaskInput input) {
        taskId = input.taskId();
        campaignId = input.campaignId();
        if (input.carried() != null) {
            TaskCarry carried = input.carried();
            audienceSize = carried.audienceSize();
            state = carried.state();
            lastCounts = carried.lastCounts();
            systemPauseReason = carried.systemPauseReason();
            systemPauseRecheck = carried.systemPauseRecheckMillis() == null ? null
                    : Duration.ofMillis(carried.systemPauseRecheckMillis());
            waitUntilEveryDeliveryIsDecided(carried.demand(), Duration.ofMillis(carried.recheckMillis()));
            return end();
        }
        boolean demandWithAudience = Workflow.getVersion(DEMAND_WITH_AUDIENCE, Workflow.DEFAULT_VERSION, 1) == 1;
        TaskAudience audience = demandWithAudience ? activities.startSending(taskId)
                : activities.materializeDeliveries(taskId);
        audienceSize = audience.audienceSize();
        findable.name(audience.name());
        if (audience.pending() > 0) {
            setState(TaskSendability.SENDING);
            TaskDemand demand = new TaskDemand(taskId, audience.ownerId(), audience.taskCreatedAtEpochMillis());
            if (controlsPending()) {
                // paused or cancelled while the audience was resolved (before the first demand went out, in runs
                // recorded before DEMAND_WITH_AUDIENCE): a paused task's deliveries are not claimed, a cancelled
                // task's are cancelled, whatever demand the services hold
                applyControls(demand);
            }
            if (!cancelled) {
                if (!demandWithAudience) {
                    activities.publishDemand(demand);
                }
                waitUntilEveryDeliveryIsDecided(demand);
            }
        }
        return end();
    }

    private void setState(String newState) {
        state = newState;
        findable.show(newState);
    }

    private TaskOutcome end() {
        if (cancelled) {
            lastCounts = activities.countDeliveries(taskId);
            setState(TaskSendability.CANCELLED);
            return new TaskOutcome(taskId, state, lastCounts);
        }
        activities.finishTask(taskId);
        lastCounts = activities.countDeliveries(taskId);
        setState(TaskSendability.FINISHED);
        return new TaskOutcome(taskId, state, lastCounts);
    }

    /**
     * Services signal when they find nothing left to claim; the deliveries in PostgreSQL decide. If no signal
     * comes (a service was restarted, or none is usable right now) the demand is published again, with a
     * growing pause so a task that waits days for quota keeps a short history.
     */
    private void waitUntilEveryDeliveryIsDecided(TaskDemand demand) {
        Duration recheck = FIRST_RECHECK;
        if (Workflow.getVersion(SENDABILITY, Workflow.DEFAULT_VERSION, 1) == 1) {
            Duration paused = checkSendability(demand);
            if (paused != null) {
                recheck = paused;
            }
        }
        waitUntilEveryDeliveryIsDecided(demand, recheck);
    }

    private void waitUntilEveryDeliveryIsDecided(TaskDemand demand, Duration firstRecheck) {
        Duration recheck = firstRecheck;
        boolean quotaGrantsWake = Workflow.getVersion(QUOTA_GRANTED, Workflow.DEFAULT_VERSION, 1) == 1;
        while (true) {
            continueAsNewIfLong(demand, recheck);
            int seen = drainedSignals;
            int seenGrants = quotaGrants;
            boolean signalled = Workflow.await(recheck, () -> drainedSignals > seen || controlsPending()
                    || (quotaGrantsWake && quotaGrants > seenGrants
                    && TaskSendability.NO_USER_QUOTA.equals(systemPauseReason)));
            if (controlsPending()) {
                boolean resumedOrReopened = applyControls(demand);
                if (cancelled) {
                    return;
                }
                if (resumedOrReopened) {
                    activities.publishDemand(demand);
                    recheck = FIRST_RECHECK;
                }
                continue;
            }
            lastCounts = recount();
            if (lastCounts.outstanding() == 0) {
                return;
            }
            if (lastCounts.pending() > 0
                    && Workflow.getVersion(SENDABILITY, Workflow.DEFAULT_VERSION, 1) == 1) {
                boolean wasPaused = systemPauseReason != null;
                Duration paused = checkSendability(demand);
                if (paused != null) {
                    // nothing to publish while no service can send: wait for the quota reset (or look again later)
                    recheck = paused;
                    continue;
                }
                if (wasPaused) {
                    recheck = FIRST_RECHECK;
                    continue;
                }
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

    /**
     * The recheck's counts: while something is outstanding, its PENDING and SENDING with the other counts as the last
     * full count left them; else the full count.
     */
    private DeliveryCounts recount() {
        if (Workflow.getVersion(OUTSTANDING_FIRST, Workflow.DEFAULT_VERSION, 1) == 1) {
            DeliveryCounts open = activities.countOutstanding(taskId);
            if (open.outstanding() > 0) {
                return new DeliveryCounts(open.pending(), open.sending(), lastCounts.sent(), lastCounts.failed(),
                        lastCounts.unknown(), lastCounts.cancelled(), lastCounts.skipped());
            }
        }
        return activities.countDeliveries(taskId);
    }

    /**
     * Hands the wait over to a new run when this one's history is long. Only between two waits and with no operator
     * control pending, so nothing asked for is lost: a drained or quota signal that arrived since the last wait is
     * ignored here exactly as the loop ignores it (it re-reads its counters before each wait), and the next run
     * looks at the deliveries after the same recheck. A signal that reaches Temporal while this run is closing makes
     * the server refuse the continue-as-new and deliver the signal to this run first.
     */
    private void continueAsNewIfLong(TaskDemand demand, Duration recheck) {
        if (controlsPending() || cancelled || (Workflow.getInfo().getHistoryLength() <= HISTORY_LIMIT
                && !Workflow.getInfo().isContinueAsNewSuggested())) {
            return;
        }
        if (Workflow.getVersion(CONTINUE_AS_NEW, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
            return;
        }
        Workflow.continueAsNew(new TaskInput(taskId, campaignId, new TaskCarry(demand, audienceSize, state,
                systemPauseReason, systemPauseRecheck == null ? null : systemPauseRecheck.toMillis(),
                recheck.toMillis(), lastCounts)));
    }

    /**
     * F20: the task is PAUSED while its owner has no usable sender service, or all of them have used today's quota,
     * and SENDING again (with demand re-published) as soon as that ends. Returns how long to wait before looking
     * again while paused, or null when the task can send.
     */
    private Duration checkSendability(TaskDemand demand) {
        TaskSendability sendability = activities.refreshSendability(taskId);
        if (sendability.resumed()) {
            systemPauseReason = null;
            systemPauseRecheck = null;
            setState(TaskSendability.SENDING);
            activities.publishDemand(demand);
            return null;
        }
        if (TaskSendability.PAUSED.equals(sendability.status()) && sendability.pauseReason() != null) {
            systemPauseReason = sendability.pauseReason();
            setState(TaskSendability.PAUSED);
            if (sendability.nextResetEpochMillis() > 0) {
                // a second past the reset, when the services have rolled their quota day over
                long untilReset = sendability.nextResetEpochMillis() - Workflow.currentTimeMillis() + 1_000;
                return Duration.ofMillis(Math.max(1_000, untilReset));
            }
            // no usable service: look again soon, then less often (an admin binds or unfreezes one at some point)
            systemPauseRecheck = systemPauseRecheck == null ? SYSTEM_PAUSE_RECHECK
                    : systemPauseRecheck.multipliedBy(2).compareTo(MAX_RECHECK) > 0 ? MAX_RECHECK
                    : systemPauseRecheck.multipliedBy(2);
            return systemPauseRecheck;
        }
        systemPauseReason = null;
        systemPauseRecheck = null;
        return null;
    }

    private boolean controlsPending() {
        return (cancelReason != null && !cancelled)
                || !Objects.equals(requestedPauseReason, appliedPauseReason)
                || reopenedSignals > 0;
    }

    /**
     * Applies what the operator asked for, in PostgreSQL first (the send path reads the task's status there). While
     * paused, waits here for resume or cancel. Returns whether demand should be published again.
     */
    private boolean applyControls(TaskDemand demand) {
        Workflow.getVersion(OPERATOR_CONTROLS, Workflow.DEFAULT_VERSION, 1);
        boolean republish = false;
        while (controlsPending()) {
            if (cancelReason != null && !cancelled) {
                long unsent = activities.cancelTask(taskId, cancelReason);
                activities.refundUnsentQuota(taskId, unsent);
                cancelled = true;
                appliedPauseReason = null;
                return false;
            }
            if (reopenedSignals > 0) {
                reopenedSignals = 0;
                republish = true;
            }
            if (requestedPauseReason != null && !requestedPauseReason.equals(appliedPauseReason)) {
                if (!activities.pauseTask(taskId, requestedPauseReason)) {
                    // the task has already ended in PostgreSQL; nothing to pause
                    requestedPauseReason = appliedPauseReason;
                    continue;
                }
                appliedPauseReason = requestedPauseReason;
                setState(TaskSendability.PAUSED);
                Workflow.await(() -> cancelReason != null || !Objects.equals(requestedPauseReason,
                        appliedPauseReason));
            } else if (requestedPauseReason == null && appliedPauseReason != null) {
                activities.resumeTask(taskId, "resumed by operator");
                appliedPauseReason = null;
                setState(TaskSendability.SENDING);
                republish = true;
            }
        }
        return republish && !cancelled;
    }

    @Override
    public void serviceDrained(long senderServiceId) {
        drainedSignals++;
    }

    @Override
    public void pause(String reason) {
        if (cancelReason == null) {
            requestedPauseReason = reason == null || reason.isBlank() ? "paused by operator" : reason;
        }
    }

    @Override
    public void resume() {
        requestedPauseReason = null;
    }

    @Override
    public void cancel(String reason) {
        if (cancelReason == null) {
            cancelReason = reason == null || reason.isBlank() ? "cancelled by operator" : reason;
        }
    }

    @Override
    public void deliveriesReopened() {
        reopenedSignals++;
    }

    @Override
    public void quotaGranted() {
        quotaGrants++;
    }

    @Override
    public TaskProgress progress() {
        return new TaskProgress(taskId, state, audienceSize, lastCounts,
                appliedPauseReason != null ? appliedPauseReason : TaskSendability.PAUSED.equals(state) ? systemPauseReason : null);
    }
}
