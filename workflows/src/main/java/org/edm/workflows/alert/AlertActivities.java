package org.edm.workflows.alert;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The alert rules and the admins' e-mail about them. */
@ActivityInterface
public interface AlertActivities {

    /** Runs every rule once, set-based over all services, campaigns, tasks, users and domains. */
    @ActivityMethod
    AlertRound evaluateAlertRules();

    /**
     * Mails every admin with an e-mail address one digest of the alerts raised or resolved since the last notice,
     * through the system sender; marks them told only after it went out, so a failure is retried.
     */
    @ActivityMethod
    AlertNotice notifyAdminsOfAlerts();
}
