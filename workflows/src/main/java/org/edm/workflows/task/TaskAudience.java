package org.edm.workflows.task;

/**
 * The task's resolved audience: counts and the owner the sender services serve it for, no addresses. {@code name}
 * (the task's name, for the Web UI memo) is null in histories recorded before it existed.
 */
public record TaskAudience(long taskId, long ownerId, long taskCreatedAtEpochMillis, int audienceSize,
                           int pending, String name) {
}
