package org.edm.workflows.campaign;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

class FakeCampaignActivities implements CampaignActivities {

    private final CampaignPlan plan;
    final List<Boolean> completions = Collections.synchronizedList(new ArrayList<>());

    FakeCampaignActivities(CampaignPlan plan) {
        this.plan = plan;
    }

    @Override
    public CampaignPlan loadCampaignPlan(long campaignId) {
        return plan;
    }

    @Override
    public void completeCampaign(long campaignId, boolean cancelled) {
        completions.add(cancelled);
    }
}
