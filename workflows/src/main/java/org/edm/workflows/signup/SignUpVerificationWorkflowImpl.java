package org.edm.workflows.signup;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.workflow.Workflow;

import java.time.Duration;

public final class SignUpVerificationWorkflowImpl implements SignUpVerificationWorkflow {

    /**
     * A link is good for a day (edm.sign-up.link-lifetime), so trying longer is pointless: after that the person
     * asks for a new one. Backoff up to 10 minutes keeps a broken SMTP server from being hammered.
     */
    static final ActivityOptions MAIL = ActivityOptions.newBuilder()
            .setStartToCloseTimeout(Duration.ofMinutes(1))
            .setScheduleToCloseTimeout(Duration.ofHours(24))
            .setRetryOptions(RetryOptions.newBuilder()
                    .setInitialInterval(Duration.ofSeconds(10))
                    .setBackoffCoefficient(2)
                    .setMaximumInterval(Duration.ofMinutes(10))
                    .setDoNotRetry("InvalidRecipient", "SystemMailNotConfigured")
                    .build())
            .build();

    private final SignUpActivities activities = Workflow.newActivityStub(SignUpActivities.class, MAIL);

    @Override
    public VerificationMailResult run(SignUpVerificationInput input) {
        return activities.sendVerificationMail(input);
    }
}
