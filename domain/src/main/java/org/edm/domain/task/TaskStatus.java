package org.edm.domain.task;

import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code DRAFT → SCHEDULED → SENDING → FINISHED}, {@code SENDING ⇄ PAUSED (reason)}, {@code → FAILED | CANCELLED}
 * (DESIGN §5). The names are the stored form ({@code tasks.status}, {@code task_execution_log}, the task workflow's
 * state and search attribute), so they never change.
 */
public enum TaskStatus {
    DRAFT, SCHEDULED, SENDING, PAUSED, FINISHED, FAILED, CANCELLED;

    /** Planned, not started: edits are still allowed (F15). */
    public static final Set<TaskStatus> NOT_STARTED = EnumSet.of(DRAFT, SCHEDULED);
    /** Started and not ended: the task workflow owns it; pause, resume and cancel are signals. */
    public static final Set<TaskStatus> RUNNING = EnumSet.of(SENDING, PAUSED);
    public static final Set<TaskStatus> ENDED = EnumSet.of(FINISHED, FAILED, CANCELLED);
    public static final Set<TaskStatus> NOT_ENDED = EnumSet.of(DRAFT, SCHEDULED, SENDING, PAUSED);

    public boolean isStarted() {
        return !NOT_STARTED.contains(this);
    }

    public boolean isRunning() {
        return RUNNING.contains(this);
    }

    public boolean isEnded() {
        return ENDED.contains(this);
    }

    /** Reads a stored status; null stays null. */
    public static TaskStatus of(String stored) {
        return stored == null ? null : valueOf(stored);
    }

    /** Whether {@code stored} is this status. */
    public boolean is(String stored) {
        return name().equals(stored);
    }

    /** The stored forms, for {@code status IN (:statuses)}. */
    public static List<String> names(Collection<TaskStatus> statuses) {
        return statuses.stream().sorted().map(Enum::name).toList();
    }

    /**
     * The stored form as an SQL literal ({@code 'SENDING'}), for SQL text that names a state: with
     * {@code """...""".formatted(SENDING.sql())} the spelling has this one home and a renamed state fails to compile.
     * Inlined rather than bound, so each statement (and its plan) stays what it was.
     */
    public String sql() {
        return "'" + name() + "'";
    }

    /** The stored forms as an SQL list ({@code ('DRAFT', 'SCHEDULED')}), for {@code status IN %s}. */
    public static String sql(Collection<TaskStatus> statuses) {
        return statuses.stream().sorted().map(TaskStatus::sql).collect(Collectors.joining(", ", "(", ")"));
    }

    /**
     * Whether a started task in this state holds its PENDING deliveries' quota (F23): SENDING, or PAUSED by the send
     * path while it waits for a sender service.
     */
    public static boolean holdsQuota(String status, String pauseReason) {
        return SENDING.is(status) || (PAUSED.is(status) && pauseReason != null
                && PauseReason.of(pauseReason).holdsQuota());
    }
}
