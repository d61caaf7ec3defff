package org.edm.workflows.webhook;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The I/O of an outgoing webhook endpoint: its outbox rows in PostgreSQL and the signed HTTP call. */
@ActivityInterface
public interface WebhookActivities {

    /** The endpoint's oldest PENDING event (the head of its queue), or why there is none to send now. */
    @ActivityMethod
    WebhookNext nextWebhookDelivery(long endpointId);

    /**
     * One signed POST of the event to the endpoint's current URL (timeouts, no redirects, SSRF guard), and its
     * outcome in the delivery log. A refusal, timeout or non-2xx answer is a result, not an activity failure: the
     * workflow owns the backoff. With {@code retryAtEpochMillis} null this was the last attempt and a failure
     * marks the event FAILED.
     */
    @ActivityMethod
    WebhookAttemptResult attemptWebhookDelivery(WebhookAttempt attempt);
}
