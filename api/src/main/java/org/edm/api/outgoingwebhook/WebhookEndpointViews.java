package org.edm.api.outgoingwebhook;

import jakarta.annotation.Nullable;
import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;

import java.time.OffsetDateTime;
import java.util.List;

/** What the outgoing-webhook endpoints answer. */
final class WebhookEndpointViews {

    private WebhookEndpointViews() {
    }

    @Schema(name = "WebhookEndpoint")
    record EndpointView(long id, String url, @Nullable String description, List<String> eventTypes, boolean enabled,
                        @Schema(description = "Events waiting to be delivered") long pending,
                        @Schema(description = "Events given up on after 24 h of retries (replay them)") long failed,
                        OffsetDateTime createdAt, OffsetDateTime updatedAt,
                        @JsonInclude(JsonInclude.Include.NON_NULL)
                        @Schema(description = "The whsec_ signing secret: only in the answer to create and "
                                + "rotate-secret, never again. Keep it; verify webhook-signature with it.")
                        String secret) {

        EndpointView withSecret(String secret) {
            return new EndpointView(id, url, description, eventTypes, enabled, pending, failed, createdAt, updatedAt,
                    secret);
        }
    }

    @Schema(name = "WebhookDelivery")
    record DeliveryView(long id, @Schema(description = "The webhook-id header; the same on retries and replays")
                        String messageId, String eventType,
                        @Schema(allowableValues = {"PENDING", "DELIVERED", "FAILED"}) String status, int attempts,
                        @Schema(description = "HTTP status of the last answer; null when none came "
                                + "(refused target, timeout, connection failure)") @Nullable Integer lastStatusCode,
                        @Nullable String lastError, @Nullable OffsetDateTime lastAttemptAt,
                        @Nullable OffsetDateTime nextAttemptAt,
                        @Nullable OffsetDateTime deliveredAt, @Nullable Long replayOf, OffsetDateTime createdAt) {
    }
}
