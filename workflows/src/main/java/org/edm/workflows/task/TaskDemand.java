package org.edm.workflows.task;

/** "Task {taskId} of user {ownerId} has pending deliveries": what a sender service needs to serve it fairly. */
public record TaskDemand(long taskId, long ownerId, long taskCreatedAtEpochMillis) {
}
