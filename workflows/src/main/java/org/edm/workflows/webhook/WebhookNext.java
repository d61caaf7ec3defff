package org.edm.workflows.webhook;

/**
 * The head of an endpoint's queue.
 *
 * @param state      DUE (send {@code deliveryId} now), IDLE (nothing pending, or the endpoint is disabled) or GONE
 *                   (the endpoint was deleted: the workflow ends)
 * @param deliveryId the oldest PENDING event when DUE, else 0
 * @param idlePollMillis when IDLE: how long the workflow waits before looking again (the worker's
 *                   EDM_WEBHOOKS_IDLE_POLL); null means the workflow's default of one minute (also what histories
 *                   written before this field read as)
 */
public record WebhookNext(String state, long deliveryId, Long idlePollMillis) {

    public static final String DUE = "DUE";
    public static final String IDLE = "IDLE";
    public static final String GONE = "GONE";

    public static WebhookNext due(long deliveryId) {
        return new WebhookNext(DUE, deliveryId, null);
    }

    public static WebhookNext idle() {
        return new WebhookNext(IDLE, 0, null);
    }

    /** IDLE, to look again after {@code poll}. */
    public static WebhookNext idle(java.time.Duration poll) {
        return new WebhookNext(IDLE, 0, poll.toMillis());
    }

    public static WebhookNext gone() {
        return new WebhookNext(GONE, 0, null);
    }
}
