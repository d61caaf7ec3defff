package org.edm.workflows.task;

/**
 * @param carried null for a task's first run; the state of the previous run when it continued as new
 */
public record TaskInput(long taskId, long campaignId, TaskCarry carried) {

    public TaskInput(long taskId, long campaignId) {
        this(taskId, campaignId, null);
    }
}
