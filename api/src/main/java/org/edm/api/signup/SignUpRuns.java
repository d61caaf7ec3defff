package org.edm.api.signup;

import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.api.temporal.OwnedWorkflows;
import org.edm.api.temporal.TemporalGateway;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.signup.SignUpVerificationInput;
import org.edm.workflows.signup.SignUpVerificationWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** The api's side of {@code sign-up-{userId}}: the api never sends mail itself, it starts this workflow. */
@Component
class SignUpRuns {

    private static final Logger log = LoggerFactory.getLogger(SignUpRuns.class);

    private final TemporalGateway temporal;

    SignUpRuns(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    /**
     * Starts sending a verification mail. A run still under way already sends one (a second request is a no-op);
     * once it has ended, a resend starts a new run under the same id.
     *
     * @throws TemporalUnavailableException when Temporal cannot be reached
     */
    void start(long userId) {
        WorkflowOptions options = OwnedWorkflows.options(WorkflowIds.signUp(userId), userId, null);
        try {
            temporal.start(SignUpVerificationWorkflow.class, options, wf -> wf::run,
                    new SignUpVerificationInput(userId));
        } catch (WorkflowExecutionAlreadyStarted alreadyRunning) {
            log.info("sign-up-{} is already sending a verification mail", userId);
        } catch (RuntimeException e) {
            throw new TemporalUnavailableException("could not start sending the verification e-mail "
                    + "(Temporal unreachable?); nothing changed, try again", e);
        }
    }
}
