package org.edm.workflows.apisend;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code api-send}: forever (continue-as-new), drains the queue of API messages (PostgreSQL, status QUEUED) in
 * rounds of one activity each, and sleeps when it is empty until the api signals {@link #messagesQueued()} or the
 * sweep interval passes.
 *
 * <p>Why one long-lived dispatcher instead of a workflow per message ({@code message-{id}}): a per-message workflow
 * costs the api a start RPC inside every 202 and the cluster a workflow task, an activity task and about ten
 * history events per mail; on the 2-core target that, not SMTP, would bound throughput and the 202's p99. Pulling
 * in batches (as the sender-service workflows do for campaigns) costs one activity per up to
 * {@link ApiSendInput#batchSize()} mails, and the api's signal is coalesced and sent after the commit, outside the
 * request. PostgreSQL holds each message's state (and the at-most-once evidence), so nothing depends on a signal
 * arriving: the sweep picks up whatever is QUEUED.
 */
@WorkflowInterface
public interface ApiSendWorkflow {

    String WORKFLOW_ID = "api-send";

    @WorkflowMethod
    void run(ApiSendInput input);

    /** New messages are queued: look now rather than at the next sweep. Repeats collapse into one. */
    @SignalMethod
    void messagesQueued();
}
