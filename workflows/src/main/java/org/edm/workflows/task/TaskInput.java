package org.edm.workflows.task;

public record TaskInput(long taskId, long campaignId) {
}
