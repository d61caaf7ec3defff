package org.edm.workflows.webhook;

/**
 * The head of an endpoint's queue.
 *
 * @param state      DUE (send {@code deliveryId} now), IDLE (nothing pending, or the endpoint is disabled) or GONE
 *                   (the endpoint was deleted: the workflow ends)
 * @param deliveryId the oldest PENDING event when DUE, else 0
 */
public record WebhookNext(String state, long deliveryId) {

    public static final String DUE = "DUE";
    public static final String IDLE = "IDLE";
    public static final String GONE = "GONE";

    public static WebhookNext due(long deliveryId) {
        return new WebhookNext(DUE, deliveryId);
    }

    public static WebhookNext idle() {
        return new WebhookNext(IDLE, 0);
    }

    public static WebhookNext gone() {
        return new WebhookNext(GONE, 0);
    }
}
