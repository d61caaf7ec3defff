package org.edm.api.outgoingwebhook;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;

import java.util.List;

/**
 * An endpoint to register or replace.
 *
 * @param url        https URL of the receiver (http and private addresses only where EDM_WEBHOOKS_ALLOW_PRIVATE)
 * @param eventTypes which events to send, by wire name
 * @param enabled    default true; a disabled endpoint gets no new events and its queue waits
 */
record WebhookEndpointRequest(
        @NotBlank @Size(max = 2000) String url,
        @Size(max = 200) String description,
        @NotEmpty @Size(max = 20)
        @Schema(example = "[\"message.delivered\", \"message.opened\", \"task.finished\"]",
                description = "message.delivered, message.bounced, message.opened, message.clicked, "
                        + "message.unsubscribed, message.replied, message.failed, task.finished, "
                        + "sender_service.frozen")
        List<@NotBlank String> eventTypes,
        Boolean enabled) {
}
