package org.edm.workflows.campaign;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

@ActivityInterface
public interface CampaignActivities {

    /** Reads the campaign's tasks (ids and plan times) ordered by plan time; marks them SCHEDULED. */
    @ActivityMethod
    CampaignPlan loadCampaignPlan(long campaignId);

    /** ACTIVE → PAUSED (paused) or PAUSED → ACTIVE (not paused). */
    @ActivityMethod
    void markCampaignPaused(long campaignId, boolean paused, String reason);

    /** Marks the campaign COMPLETED (or CANCELLED when {@code cancelled}) once every task has ended. */
    @ActivityMethod
    void completeCampaign(long campaignId, boolean cancelled);
}
