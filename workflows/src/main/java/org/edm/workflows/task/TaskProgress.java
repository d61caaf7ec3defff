package org.edm.workflows.task;

public record TaskProgress(long taskId, String state, int audienceSize, DeliveryCounts lastCounts) {
}
