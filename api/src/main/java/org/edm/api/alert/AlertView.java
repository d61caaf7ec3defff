package org.edm.api.alert;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonRawValue;
import io.swagger.v3.oas.annotations.media.Schema;
import org.edm.domain.alert.Alert;

import java.time.Instant;

/** An alert as the REST API shows it. */
record AlertView(
        long id,
        @Schema(description = "SENDER_BOUNCE_RATE_HIGH, CAMPAIGN_OPEN_RATE_LOW, SENDER_SERVICE_FROZEN, "
                + "TASK_PAUSED_NO_SERVICE, TASK_PAUSED_NO_QUOTA, QUOTA_LOW or DOMAIN_DNS_FAILING") String kind,
        @Schema(description = "WARNING or CRITICAL") String severity,
        @Schema(description = "open (holds, not acknowledged), acknowledged (holds, seen) or resolved (cleared)")
        String state,
        @Schema(description = "what it is about, e.g. sender-service-3, campaign-7, task-12, user:5, domain-2")
        String subject,
        @Schema(description = "the operator whose task, campaign, quota or domain it is about; null: system-wide")
        @Nullable Long ownerId,
        @Nullable Long senderServiceId,
        String message,
        @JsonRawValue @Schema(type = "object", description = "the figures behind it (ids, counts, rates, threshold)")
        @Nullable String details,
        Instant createdAt,
        @Nullable Instant resolvedAt,
        @Nullable Instant acknowledgedAt,
        @Nullable Long acknowledgedBy) {

    static AlertView of(Alert a) {
        return new AlertView(a.id(), a.kind(), a.severity(), a.state(), a.subject(), a.ownerId(), a.senderServiceId(),
                a.message(), a.details(), a.createdAt(), a.resolvedAt(), a.acknowledgedAt(), a.acknowledgedBy());
    }
}
