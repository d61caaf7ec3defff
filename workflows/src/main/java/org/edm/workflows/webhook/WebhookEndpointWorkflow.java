package org.edm.workflows.webhook;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code webhook-endpoint-{id}}: delivers the endpoint's outbox rows one at a time in id order (at least once, in
 * order: the head event blocks the ones behind it). A failed attempt is retried after 10 s, doubling, at most 2 h
 * apart, the last time exactly 24 h after its first attempt; then the event is marked FAILED and the next one goes. With nothing
 * pending it looks again every minute or when woken. Lives as long as the endpoint (continue-as-new bounds the
 * history); ends when the endpoint is deleted.
 */
@WorkflowInterface
public interface WebhookEndpointWorkflow {

    @WorkflowMethod
    void run(WebhookEndpointInput input);

    /** The api queued something (replay) or changed the endpoint: look now, and retry a waiting event now. */
    @SignalMethod
    void wake();
}
