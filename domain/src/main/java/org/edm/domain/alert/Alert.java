package org.edm.domain.alert;

import java.time.Instant;

/**
 * One stored alert (table {@code alerts}). {@code details} is the alert's figures as a JSON object (never personal
 * data: ids, counts, rates, thresholds).
 */
public record Alert(long id, String kind, String severity, String subject, Long ownerId, Long senderServiceId,
                    String message, String details, Instant createdAt, Instant resolvedAt, Instant acknowledgedAt,
                    Long acknowledgedBy) {

    /** open: the condition holds and nobody acknowledged it; acknowledged: holds, seen; resolved: cleared. */
    public String state() {
        if (resolvedAt != null) {
            return AlertState.RESOLVED;
        }
        return acknowledgedAt != null ? AlertState.ACKNOWLEDGED : AlertState.OPEN;
    }
}
