package org.edm.workflows.task;

/** The task workflow's own view: state (RESOLVING, SENDING, PAUSED, FINISHED, CANCELLED), why it is paused. */
public record TaskProgress(long taskId, String state, int audienceSize, DeliveryCounts lastCounts, String pauseReason) {
}
