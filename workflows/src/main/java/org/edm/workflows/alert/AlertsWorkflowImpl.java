package org.edm.workflows.alert;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import org.slf4j.Logger;

import java.time.Duration;

public final class AlertsWorkflowImpl implements AlertsWorkflow {

    private static final Logger log = Workflow.getLogger(AlertsWorkflowImpl.class);
    /** Rounds per run before continuing as new, so the history stays small. */
    static final int ROUNDS_PER_RUN = 100;

    private final AlertActivities rules = Workflow.newActivityStub(AlertActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(2))
                    // the next round evaluates again anyway
                    .setRetryOptions(RetryOptions.newBuilder().setMaximumAttempts(2).build())
                    .build());

    private final AlertActivities mail = Workflow.newActivityStub(AlertActivities.class,
            ActivityOptions.newBuilder()
                    .setStartToCloseTimeout(Duration.ofMinutes(1))
                    // a mail server that is down for a while: what was not told stays marked and goes next round
                    .setRetryOptions(RetryOptions.newBuilder().setInitialInterval(Duration.ofSeconds(5))
                            .setMaximumAttempts(4).build())
                    .build());

    @Override
    public void run(AlertsInput input) {
        int interval = input == null || input.intervalSeconds() <= 0
                ? AlertsInput.DEFAULT_INTERVAL_SECONDS : input.intervalSeconds();
        for (int round = 0; round < ROUNDS_PER_RUN && !Workflow.getInfo().isContinueAsNewSuggested(); round++) {
            try {
                AlertRound changed = rules.evaluateAlertRules();
                if (changed.raised() > 0 || changed.resolved() > 0) {
                    log.info("alerts: {} raised, {} resolved, {} unresolved", changed.raised(), changed.resolved(),
                            changed.unresolved());
                }
            } catch (ActivityFailure failure) {
                log.warn("evaluating the alert rules failed; tried again next round: {}", failure.getMessage());
            }
            try {
                mail.notifyAdminsOfAlerts();
            } catch (ActivityFailure failure) {
                log.warn("mailing the admins about alerts failed; tried again next round: {}", failure.getMessage());
            }
            Workflow.sleep(Duration.ofSeconds(interval));
        }
        Workflow.continueAsNew(new AlertsInput(interval));
    }
}
