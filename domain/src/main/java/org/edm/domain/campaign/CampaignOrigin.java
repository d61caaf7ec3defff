package org.edm.domain.campaign;

/**
 * How a campaign came to be (seed 004 flow 3): planned by an operator, or discovered from an API send that named a
 * campaign id nobody had created.
 */
public enum CampaignOrigin {
    OPERATOR,
    API
}
