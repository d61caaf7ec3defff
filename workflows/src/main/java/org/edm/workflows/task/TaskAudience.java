package org.edm.workflows.task;

/** The task's resolved audience: counts and the owner the sender services serve it for, no addresses. */
public record TaskAudience(long taskId, long ownerId, long taskCreatedAtEpochMillis, int audienceSize,
                           int pending) {
}
