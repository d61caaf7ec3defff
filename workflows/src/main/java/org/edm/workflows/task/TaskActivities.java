package org.edm.workflows.task;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface TaskActivities {

    /**
     * Marks the task SENDING and materialises its deliveries with set-based statements (contact-id range by range,
     * in parallel): one PENDING row per matching contact, each with a template drawn uniformly from the task's
     * template set. Idempotent: a retry inserts nothing twice and keeps the templates already drawn. The owner's
     * quota reserved for the planned audience becomes the actual one (refund or extra charge); if the extra cannot
     * be charged the reservation is returned and the task is PAUSED with
     * {@link org.edm.workflows.task.TaskSendability#NO_USER_QUOTA}.
     */
    @ActivityMethod
    TaskAudience materializeDeliveries(long taskId);

    /**
     * {@link #materializeDeliveries}, publishing the demand ({@link #publishDemand}) as soon as the first contact
     * range with PENDING deliveries is in, so the first mail does not wait for the whole audience (its claims spend
     * only the task's reservation until the audience is in and reconciled), and again once it is all in when the task
     * has deliveries to send: one activity, no workflow round trip before the first batch. A retry publishes again,
     * which the services take as the same demand. {@link TaskAudience#pending()} counts those claimed meanwhile.
     */
    @ActivityMethod
    TaskAudience startSending(long taskId);

    /**
     * Tells every usable sender service of the task's owner that the task has pending deliveries
     * (signal-with-start of {@code sender-service-{id}}). Returns how many services were told.
     */
    @ActivityMethod
    int publishDemand(TaskDemand demand);

    @ActivityMethod
    DeliveryCounts countDeliveries(long taskId);

    /**
     * The recheck's cheap look: PENDING and SENDING only (the other counts 0), read without the task's settled
     * deliveries. When it finds nothing outstanding, {@link #countDeliveries} decides.
     */
    @ActivityMethod
    DeliveryCounts countOutstanding(long taskId);

    /**
     * SENDING (or PAUSED) → PAUSED with {@code reason} as the pause reason, with an execution-log row; the quota
     * of its PENDING deliveries goes back to the owner. Returns whether the task is paused afterwards (false when it
     * has already ended).
     */
    @ActivityMethod
    boolean pauseTask(long taskId, String reason);

    /**
     * PAUSED → SENDING, clearing the pause reason, with an execution-log row, after reserving the quota of its
     * PENDING deliveries again. Without enough quota the task stays PAUSED with
     * {@link org.edm.workflows.task.TaskSendability#NO_USER_QUOTA} (lifted by {@link #refreshSendability}). Returns
     * whether it moved.
     */
    @ActivityMethod
    boolean resumeTask(long taskId, String reason);

    /**
     * Every PENDING delivery → CANCELLED and the task → CANCELLED (with its end time and an execution-log row), in
     * one transaction, which also refunds the quota the task held for them (none if an operator had paused it: that
     * pause refunded them). Deliveries already being sent finish normally. Returns how many deliveries were
     * cancelled.
     */
    @ActivityMethod
    long cancelTask(long taskId, String reason);

    /**
     * Kept for the workflow histories that call it after {@link #cancelTask}: the refund now happens inside
     * {@code cancelTask}'s own transaction (so it cannot be lost or doubled), and this only logs.
     */
    @ActivityMethod
    void refundUnsentQuota(long taskId, long cancelledDeliveries);

    /**
     * F20: PAUSES a SENDING task when its owner has no usable sender service ({@code 当前没有可用发信服务}) or every
     * usable one has used today's quota ({@code 当前可用的发信服务额度已用完，请等待第二天恢复}), and moves a task
     * paused for one of these reasons back to SENDING once that no longer holds. First, a task paused for want of
     * user quota ({@code 当前没有发信额度}) reserves its PENDING deliveries again once the balance covers them. Never
     * touches an operator's pause.
     */
    @ActivityMethod
    TaskSendability refreshSendability(long taskId);

    /** Marks the task FINISHED with its end time and summary counts. */
    @ActivityMethod
    void finishTask(long taskId);
}
