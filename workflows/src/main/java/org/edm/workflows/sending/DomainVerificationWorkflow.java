package org.edm.workflows.sending;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code domain-{id}}: registers a sending domain at Aliyun DirectMail (whose own records join the ones to publish),
 * then checks its DNS records until they all match and DirectMail's own check passes (1 min, doubling, at most 1 h
 * apart; gives up after 72 h and marks the domain EXPIRED), then re-checks the verified domain daily for as long as
 * it exists (continue-as-new every week), so a broken record makes it FAILING and a mended one VERIFIED again.
 */
@WorkflowInterface
public interface DomainVerificationWorkflow {

    @WorkflowMethod
    void run(DomainVerificationInput input);

    /** {@code POST /v1/domains/{id}/verify}: check now instead of waiting for the next scheduled check. */
    @SignalMethod
    void checkNow();
}
