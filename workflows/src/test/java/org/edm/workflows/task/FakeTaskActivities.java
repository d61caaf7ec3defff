package org.edm.workflows.task;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/** In-memory task activities: records when each task started and what it published. */
public class FakeTaskActivities implements TaskActivities {

    private final LongSupplier clock;
    private final int audiencePerTask;
    public final Map<Long, Long> startedAt = new ConcurrentHashMap<>();
    public final List<Long> startOrder = Collections.synchronizedList(new ArrayList<>());
    public final List<TaskDemand> published = Collections.synchronizedList(new ArrayList<>());
    public final List<Long> finished = Collections.synchronizedList(new ArrayList<>());
    /** Deliveries still outstanding per task; tests decrease it to simulate sending. */
    public final Map<Long, Long> outstanding = new ConcurrentHashMap<>();

    public FakeTaskActivities(LongSupplier clock, int audiencePerTask) {
        this.clock = clock;
        this.audiencePerTask = audiencePerTask;
    }

    /** When set, tasks started from now on have nothing to send and finish at once (keeps long tests short). */
    public volatile boolean nothingToSend;

    @Override
    public TaskAudience materializeDeliveries(long taskId) {
        if (startedAt.putIfAbsent(taskId, clock.getAsLong()) == null) {
            startOrder.add(taskId);
            outstanding.put(taskId, nothingToSend ? 0L : (long) audiencePerTask);
        }
        if (nothingToSend) {
            return new TaskAudience(taskId, 7, 1_000 + taskId, 0, 0, "task " + taskId);
        }
        return new TaskAudience(taskId, 7, 1_000 + taskId, audiencePerTask, audiencePerTask, "task " + taskId);
    }

    /** Tasks started through {@link #startSending} (audience and first demand in one activity). */
    public final List<Long> startedSending = Collections.synchronizedList(new ArrayList<>());

    @Override
    public TaskAudience startSending(long taskId) {
        startedSending.add(taskId);
        TaskAudience audience = materializeDeliveries(taskId);
        if (audience.pending() > 0) {
            publishDemand(new TaskDemand(taskId, audience.ownerId(), audience.taskCreatedAtEpochMillis()));
        }
        return audience;
    }

    @Override
    public int publishDemand(TaskDemand demand) {
        published.add(demand);
        return 1;
    }

    /** Full counts (every delivery read), in order. */
    public final List<Long> fullCounts = Collections.synchronizedList(new ArrayList<>());

    @Override
    public DeliveryCounts countDeliveries(long taskId) {
        fullCounts.add(taskId);
        long left = outstanding.getOrDefault(taskId, 0L);
        long cancelled = cancelledDeliveries.getOrDefault(taskId, 0L);
        return new DeliveryCounts(left, 0, audiencePerTask - left - cancelled, 0, 0, cancelled, 0);
    }

    /** Rechecks that counted only what is outstanding. */
    public final List<Long> outstandingCounts = Collections.synchronizedList(new ArrayList<>());

    @Override
    public DeliveryCounts countOutstanding(long taskId) {
        outstandingCounts.add(taskId);
        return new DeliveryCounts(outstanding.getOrDefault(taskId, 0L), 0, 0, 0, 0, 0, 0);
    }

    /** Every pause/resume/cancel/refund as "taskId STATE reason", in order. */
    public final List<String> controls = Collections.synchronizedList(new ArrayList<>());

    @Override
    public boolean pauseTask(long taskId, String reason) {
        controls.add(taskId + " PAUSED " + reason);
        return !finished.contains(taskId);
    }

    @Override
    public boolean resumeTask(long taskId, String reason) {
        controls.add(taskId + " SENDING " + reason);
        return true;
    }

    @Override
    public long cancelTask(long taskId, String reason) {
        long unsent = outstanding.getOrDefault(taskId, 0L);
        outstanding.put(taskId, 0L);
        cancelledDeliveries.merge(taskId, unsent, Long::sum);
        controls.add(taskId + " CANCELLED " + reason);
        return unsent;
    }

    public final Map<Long, Long> cancelledDeliveries = new ConcurrentHashMap<>();

    /** F20 hook: tests set what the sendability check answers; by default the task can send. */
    public volatile java.util.function.LongFunction<TaskSendability> sendability =
            taskId -> new TaskSendability("SENDING", null, false, 0);

    @Override
    public TaskSendability refreshSendability(long taskId) {
        return sendability.apply(taskId);
    }

    @Override
    public void refundUnsentQuota(long taskId, long cancelledDeliveries) {
        controls.add(taskId + " REFUND " + cancelledDeliveries);
    }

    @Override
    public void finishTask(long taskId) {
        finished.add(taskId);
    }
}
