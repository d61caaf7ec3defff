package org.edm.workflows.task;

public record TaskOutcome(long taskId, String status, DeliveryCounts counts) {
}
