package org.edm.workflows.campaign;

import java.util.List;

/**
 * What the running campaign workflow knows: its state, which tasks it has started and which one it is
 * waiting for.
 */
public record CampaignProgress(String state, int totalTasks, List<Long> startedTaskIds, List<Long> endedTaskIds,
                               Long nextTaskId, Long nextPlanTimeEpochMillis) {
}
