package org.edm.workflows.campaign;

/**
 * @param carried null for a campaign's first run; the state of the previous run when it continued as new
 */
public record CampaignInput(long campaignId, CampaignCarry carried) {

    public CampaignInput(long campaignId) {
        this(campaignId, null);
    }
}
