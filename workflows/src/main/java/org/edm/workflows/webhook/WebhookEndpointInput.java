package org.edm.workflows.webhook;

/**
 * Start (or continue-as-new) of {@code webhook-endpoint-{id}}; a run that continues carries the head event's retry
 * state so its backoff and 24-hour deadline go on where they were.
 *
 * @param deliveryId             the event being retried, or null
 * @param attempts               attempts made at it so far
 * @param firstAttemptEpochMillis workflow time of its first attempt
 */
public record WebhookEndpointInput(long endpointId, Long deliveryId, int attempts, Long firstAttemptEpochMillis) {

    public static WebhookEndpointInput start(long endpointId) {
        return new WebhookEndpointInput(endpointId, null, 0, null);
    }
}
