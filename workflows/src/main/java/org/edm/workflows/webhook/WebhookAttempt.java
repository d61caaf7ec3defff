package org.edm.workflows.webhook;

/**
 * One delivery attempt.
 *
 * @param attempt            1 for the first try of this event in this workflow's hands
 * @param retryAtEpochMillis when the workflow will try again if this fails (shown in the log as the next attempt);
 *                           null: the last attempt, a failure marks the event FAILED
 */
public record WebhookAttempt(long endpointId, long deliveryId, int attempt, Long retryAtEpochMillis) {
}
