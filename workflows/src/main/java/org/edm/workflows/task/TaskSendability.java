package org.edm.workflows.task;

/**
 * Whether a task's owner has a sender service that can send for it now (F20), as the task's status says after the
 * check. {@code pauseReason} is one of the system reasons below or null; {@code resumed} says the check has just
 * moved the task back to SENDING (publish demand again); {@code nextResetEpochMillis} is when the earliest quota of
 * the owner's usable services comes back (set when paused for quota, else 0).
 *
 * <p>{@code status} is a task status's stored name (or one of the two markers below), and the reasons are the stored
 * texts of {@code org.edm.domain.task.PauseReason}, which this module cannot see; a test keeps the two equal.
 */
public record TaskSendability(String status, String pauseReason, boolean resumed, long nextResetEpochMillis) {

    /**
     * The task statuses this module speaks of (the workflow's state, its search attribute, this record's
     * {@code status}): the stored names of {@code org.edm.domain.task.TaskStatus}, kept equal by a test.
     */
    public static final String SENDING = "SENDING";
    public static final String PAUSED = "PAUSED";
    public static final String FINISHED = "FINISHED";
    public static final String CANCELLED = "CANCELLED";

    /** {@code status} when no sender-service check ran (hand-wired tests without one). */
    public static final String UNCHECKED = "UNCHECKED";
    /** {@code status} when the task no longer exists. */
    public static final String GONE = "GONE";

    /** F20, the seed's own text: no enabled, unfrozen service is bound to the task's owner. */
    public static final String NO_USABLE_SERVICE = "当前没有可用发信服务";
    /** F20, the seed's own text: every usable service has used today's quota; resumes at the next reset. */
    public static final String QUOTA_USED_UP = "当前可用的发信服务额度已用完，请等待第二天恢复";
    /**
     * F20, the seed's own text: the task's owner has no user quota for its pending deliveries; resumes by itself once
     * an admin grants enough (checked on the workflow's recheck of a system pause).
     */
    public static final String NO_USER_QUOTA = "当前没有发信额度";
}
