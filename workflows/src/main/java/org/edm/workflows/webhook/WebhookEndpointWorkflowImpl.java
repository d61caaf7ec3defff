package org.edm.workflows.webhook;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;

import java.time.Duration;

public final class WebhookEndpointWorkflowImpl implements WebhookEndpointWorkflow {

    static final Duration FIRST_RETRY = Duration.ofSeconds(10);
    static final Duration MAX_RETRY = Duration.ofHours(2);
    static final Duration GIVE_UP_AFTER = Duration.ofHours(24);
    /**
     * Events written by the worker (task finished, freezes, send failures) are picked up by this poll; the worker's
     * activity may ask for another interval (EDM_WEBHOOKS_IDLE_POLL, e.g. seconds in end-to-end tests).
     */
    static final Duration IDLE_POLL = Duration.ofMinutes(1);
    /** Loop turns per run before continuing as new: a day of idle polls stays a small history. */
    static final int STEPS_PER_RUN = 1_000;

    /**
     * The HTTP call has its own connect/read timeouts well inside start-to-close; Temporal retries only when the
     * activity itself failed (database down, worker died), never on the endpoint's answer.
     */
    private final WebhookActivities activities = Workflow.newActivityStub(WebhookActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(1))
                    .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(1))
                            .setMaximumInterval(Duration.ofMinutes(1)).build())
                    .build());

    private boolean woken;

    @Override
    public void run(WebhookEndpointInput input) {
        long endpointId = input.endpointId();
        Long current = input.deliveryId();
        int attempts = input.attempts();
        long firstAttemptAt = input.firstAttemptEpochMillis() == null ? 0 : input.firstAttemptEpochMillis();
        for (int step = 0; ; step++) {
            if (step >= STEPS_PER_RUN || Workflow.getInfo().isContinueAsNewSuggested()) {
                Workflow.await(Workflow::isEveryHandlerFinished);
                Workflow.continueAsNew(new WebhookEndpointInput(endpointId, current, attempts,
                        current == null ? null : firstAttemptAt));
                return;
            }
            woken = false;
            WebhookNext next = activities.nextWebhookDelivery(endpointId);
            if (WebhookNext.GONE.equals(next.state())) {
                return;
            }
            if (!WebhookNext.DUE.equals(next.state())) {
                // the interval comes from the activity's result, so a replay waits exactly as the first run did
                Workflow.await(next.idlePollMillis() == null ? IDLE_POLL : Duration.ofMillis(next.idlePollMillis()),
                        () -> woken);
                continue;
            }
            if (current == null || current != next.deliveryId()) {
                current = next.deliveryId();
                attempts = 0;
                firstAttemptAt = Workflow.currentTimeMillis();
            }
            attempts++;
            // the last retry is at the deadline itself, however the doubling falls
            long now = Workflow.currentTimeMillis();
            long deadline = firstAttemptAt + GIVE_UP_AFTER.toMillis();
            Duration delay = backoff(attempts);
            if (now + delay.toMillis() > deadline) {
                delay = Duration.ofMillis(Math.max(0, deadline - now));
            }
            boolean last = delay.isZero();
            long retryAt = now + delay.toMillis();
            WebhookAttemptResult result = activities.attemptWebhookDelivery(
                    new WebhookAttempt(endpointId, current, attempts, last ? null : retryAt));
            if (!result.retry()) {
                current = null;
                attempts = 0;
                continue;
            }
            // the event keeps its place at the head of the queue while it waits
            Workflow.await(delay, () -> woken);
        }
    }

    /** 10 s, 20 s, 40 s ... doubling, at most {@link #MAX_RETRY}, before attempt {@code attempts + 1}. */
    static Duration backoff(int attempts) {
        long seconds = FIRST_RETRY.toSeconds() << Math.min(attempts - 1, 20);
        return seconds > MAX_RETRY.toSeconds() ? MAX_RETRY : Duration.ofSeconds(seconds);
    }

    @Override
    public void wake() {
        woken = true;
    }
}
