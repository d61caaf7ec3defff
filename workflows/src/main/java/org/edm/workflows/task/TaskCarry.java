package org.edm.workflows.task;

/**
 * What a run of {@code task-{id}} hands to the next one when it continues as new to keep its history short (a task
 * can wait paused for weeks): ids, counts and reasons only. Operator controls are never carried half-applied: a run
 * continues as new only when none is pending.
 *
 * @param recheckMillis           how long the next run waits before it looks at the deliveries again
 * @param systemPauseReason       the F20 pause the system applied (null when sending)
 * @param systemPauseRecheckMillis the current back-off of that pause's rechecks (null when none)
 */
public record TaskCarry(TaskDemand demand, int audienceSize, String state, String systemPauseReason,
                        Long systemPauseRecheckMillis, long recheckMillis, DeliveryCounts lastCounts) {
}
