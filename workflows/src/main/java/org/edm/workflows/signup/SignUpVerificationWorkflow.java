package org.edm.workflows.signup;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * {@code sign-up-{userId}}: sends the verification e-mail of a self-registered user through the system mail sender,
 * retrying while the SMTP server is unreachable. Started by the api's sign-up (and resend-verification); the payload
 * is the user id only — the address and the link are read and made by the activity, so neither is in the history.
 */
@WorkflowInterface
public interface SignUpVerificationWorkflow {

    @WorkflowMethod
    VerificationMailResult run(SignUpVerificationInput input);
}
