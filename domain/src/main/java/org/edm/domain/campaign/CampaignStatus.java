package org.edm.domain.campaign;

/** {@code DRAFT → ACTIVE → COMPLETED | PAUSED ⇄ ACTIVE | CANCELLED} (DESIGN §5). */
public enum CampaignStatus {
    DRAFT, ACTIVE, PAUSED, COMPLETED, CANCELLED;

    /** Only a draft can be edited or deleted: once active, the campaign workflow owns its plan. */
    public boolean isEditable() {
        return this == DRAFT;
    }

    /** A campaign with a running workflow that a person may still stop. */
    public boolean isRunning() {
        return this == ACTIVE || this == PAUSED;
    }
}
