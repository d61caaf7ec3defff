package org.edm.workflows.apisend;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The send side of POST /api/v1/send, run by the worker on {@link org.edm.workflows.TaskQueues#API_SEND}. */
@ActivityInterface
public interface ApiSendActivities {

    /**
     * Claims up to {@code maxMessages} queued, due API messages and sends them: quota unit, tracking, the
     * mailbox's SMTP credentials, outcome. A retry of the same activity finishes its own claim and never sends a
     * message twice (attempted without outcome becomes UNKNOWN).
     */
    @ActivityMethod(name = "SendQueuedApiMessages")
    ApiSendRound sendQueuedMessages(int maxMessages);
}
