package org.edm.workflows.housekeeping;

/** What one sweep removed: rows deleted, or API messages whose content was cleared. */
public record HousekeepingRound(long webhookDeliveries, long messageContents, long authTokens, long signInFailures) {

    public long total() {
        return webhookDeliveries + messageContents + authTokens + signInFailures;
    }
}
