package org.edm.workflows.mailbox;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public final class MailboxPollerWorkflowImpl implements MailboxPollerWorkflow {

    private static final Logger log = Workflow.getLogger(MailboxPollerWorkflowImpl.class);
    /** Rounds per run before continuing as new, so the history stays small. */
    static final int ROUNDS_PER_RUN = 100;

    private final MailboxActivities activities = Workflow.newActivityStub(MailboxActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(5))
                    .setHeartbeatTimeout(Duration.ofMinutes(1))
                    // the next round retries anyway: a broken mailbox must not pile up attempts
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
                    .build());

    @Override
    public void run(MailboxInput input) {
        int interval = input == null || input.pollIntervalSeconds() <= 0
                ? MailboxInput.DEFAULT_POLL_INTERVAL_SECONDS : input.pollIntervalSeconds();
        for (int round = 0; round < ROUNDS_PER_RUN && !Workflow.getInfo().isContinueAsNewSuggested(); round++) {
            List<Promise<MailboxPollResult>> reads = new ArrayList<>();
            for (long serviceId : activities.listServicesWithMailbox()) {
                reads.add(Async.function(activities::pollMailbox, serviceId));
            }
            for (Promise<MailboxPollResult> read : reads) {
                try {
                    read.get();
                } catch (ActivityFailure failure) {
                    log.warn("reading a mailbox failed; retried next round: {}", failure.getMessage());
                }
            }
            Workflow.sleep(Duration.ofSeconds(interval));
        }
        Workflow.continueAsNew(new MailboxInput(interval));
    }
}
