package org.edm.workflows.housekeeping;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;

public final class HousekeepingWorkflowImpl implements HousekeepingWorkflow {

    private static final Logger log = Workflow.getLogger(HousekeepingWorkflowImpl.class);
    /** Rounds per run before continuing as new, so the history stays small. */
    static final int ROUNDS_PER_RUN = 100;

    private final HousekeepingActivities sweep = Workflow.newActivityStub(HousekeepingActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(10))
                    // the next round sweeps again anyway
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
                    .build());

    @Override
    public void run(HousekeepingInput input) {
        int interval = input == null || input.intervalSeconds() <= 0
                ? HousekeepingInput.DEFAULT_INTERVAL_SECONDS : input.intervalSeconds();
        for (int round = 0; round < ROUNDS_PER_RUN && !Workflow.getInfo().isContinueAsNewSuggested(); round++) {
            try {
                HousekeepingRound removed = sweep.sweepExpiredData();
                if (removed.total() > 0) {
                    log.info("housekeeping: {} webhook deliveries, {} message contents, {} sign-in tokens, {} "
                                    + "sign-in failures past their retention", removed.webhookDeliveries(),
                            removed.messageContents(), removed.authTokens(), removed.signInFailures());
                }
            } catch (ActivityFailure failure) {
                log.warn("the housekeeping sweep failed; tried again next round: {}", failure.getMessage());
            }
            Workflow.sleep(Duration.ofSeconds(interval));
        }
        Workflow.continueAsNew(new HousekeepingInput(interval));
    }
}
