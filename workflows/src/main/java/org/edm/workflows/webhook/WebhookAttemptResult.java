package org.edm.workflows.webhook;

/**
 * What an attempt did.
 *
 * @param outcome    DELIVERED (2xx), RETRY (failed, still PENDING), FAILED (failed for good) or SKIPPED (the event is
 *                   no longer PENDING or the endpoint is gone: nothing was sent, move on)
 * @param statusCode the endpoint's HTTP status, or null when no answer came (refused target, timeout, connection)
 */
public record WebhookAttemptResult(String outcome, Integer statusCode) {

    public static final String DELIVERED = "DELIVERED";
    public static final String RETRY = "RETRY";
    public static final String FAILED = "FAILED";
    public static final String SKIPPED = "SKIPPED";

    public boolean retry() {
        return RETRY.equals(outcome);
    }
}
