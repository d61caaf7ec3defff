package org.edm.workflows.campaign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

class FakeCampaignActivities implements CampaignActivities {

    /** What PostgreSQL holds; tests replace it to re-plan a running campaign. */
    volatile CampaignPlan plan;
    final List<Boolean> completions = Collections.synchronizedList(new ArrayList<>());
    final List<String> pauses = Collections.synchronizedList(new ArrayList<>());
    int loads;

    FakeCampaignActivities(CampaignPlan plan) {
        this.plan = plan;
    }

    @Override
    public CampaignPlan loadCampaignPlan(long campaignId) {
        loads++;
        return plan;
    }

    @Override
    public void markCampaignPaused(long campaignId, boolean paused, String reason) {
        pauses.add((paused ? "PAUSED: " : "ACTIVE: ") + reason);
    }

    @Override
    public void completeCampaign(long campaignId, boolean cancelled) {
        completions.add(cancelled);
    }
}
