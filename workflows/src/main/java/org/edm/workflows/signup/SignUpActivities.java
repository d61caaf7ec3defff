package org.edm.workflows.signup;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The system mail a sign-up needs. */
@ActivityInterface
public interface SignUpActivities {

    /**
     * Sends the user a fresh verification link through the system SMTP sender (EDM_SYSTEM_MAIL_*). A refused
     * recipient fails for good ({@code InvalidRecipient}), so does a missing system sender
     * ({@code SystemMailNotConfigured}); an unreachable server is retried.
     */
    @ActivityMethod
    VerificationMailResult sendVerificationMail(SignUpVerificationInput input);
}
