package org.edm.domain.tracking;

/** Engagement events and the per-(campaign, contact) label column each one sets once. */
public enum EventType {
    DELIVERED(null),
    OPEN("opened_at"),
    CLICK("clicked_at"),
    REPLY("replied_at"),
    UNSUBSCRIBE("unsubscribed_at"),
    BOUNCE("bounced_at");

    private final String labelColumn;

    EventType(String labelColumn) {
        this.labelColumn = labelColumn;
    }

    public String labelColumn() {
        return labelColumn;
    }
}
