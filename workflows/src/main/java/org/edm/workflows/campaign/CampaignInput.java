package org.edm.workflows.campaign;

public record CampaignInput(long campaignId) {
}
