package org.edm.workflows.apisend;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;

public final class ApiSendWorkflowImpl implements ApiSendWorkflow {

    private static final Logger log = Workflow.getLogger(ApiSendWorkflowImpl.class);
    /** Rounds per run before continuing as new, so the history stays small. */
    static final int ROUNDS_PER_RUN = 500;

    private final ApiSendActivities activities = Workflow.newActivityStub(ApiSendActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(5))
                    .setHeartbeatTimeout(Duration.ofSeconds(30))
                    // a retry finishes its own claim: attempted-without-outcome becomes UNKNOWN, the rest is sent
                    .setRetryOptions(RetryOptions.newBuilder()
                            .setInitialInterval(Duration.ofSeconds(1))
                            .setMaximumInterval(Duration.ofSeconds(30))
                            .setMaximumAttempts(10)
                            .build())
                    .build());

    private boolean queued;

    @Override
    public void run(ApiSendInput input) {
        ApiSendInput settings = input == null ? ApiSendInput.defaults() : input;
        Duration sweep = Duration.ofSeconds(Math.max(1, settings.sweepSeconds()));
        int batch = Math.max(1, settings.batchSize());
        for (int round = 0; round < ROUNDS_PER_RUN && !Workflow.getInfo().isContinueAsNewSuggested(); round++) {
            // a signal that arrives during the round asks for another look after it
            queued = false;
            ApiSendRound result;
            try {
                result = activities.sendQueuedMessages(batch);
            } catch (ActivityFailure failure) {
                // the claim's messages are settled by the last attempt or by the next round; keep dispatching
                log.warn("send round failed: {}", failure.getMessage());
                result = new ApiSendRound(0, 0, 0, 0, 0, false);
            }
            if (!result.moreDue()) {
                Workflow.await(sweep, () -> queued);
            }
        }
        Workflow.continueAsNew(settings);
    }

    @Override
    public void messagesQueued() {
        queued = true;
    }
}
