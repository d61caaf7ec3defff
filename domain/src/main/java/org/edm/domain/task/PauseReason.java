package org.edm.domain.task;

/**
 * Why a task is PAUSED (F20). The three system reasons are stored in {@code tasks.pause_reason} as the seed's own
 * Chinese text (operators read them as they are, and stored rows and workflow payloads carry them), so the text, not
 * the constant's name, is the stored form. An operator's pause stores its own free text ("paused by operator: ...");
 * every stored text that is not a system reason reads back as {@link #BY_OPERATOR}.
 *
 * <p>The workflows module cannot see this type and keeps the same texts as constants in
 * {@code org.edm.workflows.task.TaskSendability}; a test keeps the two equal.
 */
public enum PauseReason {

    /** The task's owner has no user quota for its pending deliveries; lifted when an admin grants enough. */
    NO_USER_QUOTA("当前没有发信额度", false),
    /** No enabled, unfrozen sender service is bound to the task's owner. */
    NO_USABLE_SERVICE("当前没有可用发信服务", true),
    /** Every usable service has used today's quota; resumes at the next reset. */
    QUOTA_USED_UP("当前可用的发信服务额度已用完，请等待第二天恢复", true),
    /** Paused by the operator (or by the campaign's pause); the stored text is the operator's. */
    BY_OPERATOR("paused by operator", false);

    private final String text;
    private final boolean holdsQuota;

    PauseReason(String text, boolean holdsQuota) {
        this.text = text;
        this.holdsQuota = holdsQuota;
    }

    /** The stored form of a system reason; for {@link #BY_OPERATOR} only the default text. */
    public String text() {
        return text;
    }

    /**
     * Whether a task paused for this reason keeps holding its PENDING deliveries' quota: only while it waits for a
     * sender service (F23), because then it resumes by itself without asking the user's quota again.
     */
    public boolean holdsQuota() {
        return holdsQuota;
    }

    /** Set and lifted by the system itself (the send path's checks), never by an operator. */
    public boolean isSystem() {
        return this != BY_OPERATOR;
    }

    /** Paused by the send path for want of a usable sender service or its quota (lifted when one can send). */
    public boolean isSenderServiceReason() {
        return this == NO_USABLE_SERVICE || this == QUOTA_USED_UP;
    }

    /** Reads a stored {@code pause_reason}: null stays null, any text that is no system reason is the operator's. */
    public static PauseReason of(String stored) {
        if (stored == null) {
            return null;
        }
        for (PauseReason reason : values()) {
            if (reason.isSystem() && reason.text.equals(stored)) {
                return reason;
            }
        }
        return BY_OPERATOR;
    }

    /** The stored texts under which a PAUSED task holds its quota, for {@code pause_reason IN (:holding)}. */
    public static java.util.List<String> holdingQuotaTexts() {
        return java.util.Arrays.stream(values()).filter(PauseReason::holdsQuota).map(PauseReason::text).toList();
    }

    /** Whether {@code stored} is this reason. */
    public boolean is(String stored) {
        return of(stored) == this;
    }
}
