package org.edm.workflows.campaign;

import java.util.List;

/** The campaign's tasks ordered by plan time: ids and times only, never audiences. */
public record CampaignPlan(long campaignId, long ownerId, List<PlannedTask> tasks) {

    public record PlannedTask(long taskId, long planTimeEpochMillis) {
    }
}
