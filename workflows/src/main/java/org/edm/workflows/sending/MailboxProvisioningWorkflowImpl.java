package org.edm.workflows.sending;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;

import java.time.Duration;

public final class MailboxProvisioningWorkflowImpl implements MailboxProvisioningWorkflow {

    /** Attempts at provisioning before a transient error (5xx, unreachable) counts as a failure. */
    static final int MAX_ATTEMPTS = 5;

    private final MailboxProvisioningActivities provisioning = Workflow.newActivityStub(
            MailboxProvisioningActivities.class, ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(2))
                    .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(10))
                            .setBackoffCoefficient(3).setMaximumAttempts(MAX_ATTEMPTS).build())
                    .build());

    private final MailboxProvisioningActivities bookkeeping = Workflow.newActivityStub(
            MailboxProvisioningActivities.class, ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofSeconds(30))
                    .build());

    @Override
    public void run(long mailboxId) {
        try {
            provisioning.provisionMailbox(mailboxId);
        } catch (ActivityFailure failure) {
            bookkeeping.recordProvisioningFailure(new MailboxFailure(mailboxId, reasonOf(failure)));
        }
    }

    private static String reasonOf(ActivityFailure failure) {
        if (failure.getCause() instanceof ApplicationFailure application) {
            return application.getOriginalMessage();
        }
        if (failure.getCause() instanceof TimeoutFailure) {
            return "Aliyun DirectMail did not answer in time; delete the mailbox and add it again later";
        }
        return "provisioning failed: " + failure.getCause();
    }
}
