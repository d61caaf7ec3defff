package org.edm.activities.alert;

import io.temporal.failure.ApplicationFailure;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.systemmail.SystemMail;
import org.edm.domain.alert.Alert;
import org.edm.domain.alert.AlertRules;
import org.edm.domain.alert.Alerts;
import org.edm.workflows.alert.AlertActivities;
import org.edm.workflows.alert.AlertNotice;
import org.edm.workflows.alert.AlertRound;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The alert rules ({@link AlertRules}) and the admins' e-mail digest through the system sender. Addresses are read
 * here, never passed through the workflow; failures name no address.
 */
@Component("alertActivities")
public class AlertActivitiesImpl implements AlertActivities {

    private static final Logger log = LoggerFactory.getLogger(AlertActivitiesImpl.class);
    /** At most this many alerts in one digest; the rest go in the next round's. */
    static final int DIGEST_LIMIT = 100;

    private final AlertRules rules;
    private final Alerts alerts;
    private final SystemMail mail;
    private final JdbcTemplate jdbc;
    private final Clock clock;
    private final String consoleUrl;

    public AlertActivitiesImpl(AlertRules rules, Alerts alerts, SystemMail mail, JdbcTemplate jdbc, Clock clock,
                               @Value("${edm.public-base-url:http://localhost:8080}") String consoleUrl) {
        this.rules = rules;
        this.alerts = alerts;
        this.mail = mail;
        this.jdbc = jdbc;
        this.clock = clock;
        this.consoleUrl = consoleUrl;
    }

    @Override
    public AlertRound evaluateAlertRules() {
        AlertRules.Outcome outcome = rules.evaluate();
        return new AlertRound(outcome.raised(), outcome.resolved(), outcome.unresolved());
    }

    @Override
    public AlertNotice notifyAdminsOfAlerts() {
        Instant now = clock.instant();
        List<Alert> changed = alerts.toNotify(DIGEST_LIMIT);
        if (changed.isEmpty()) {
            return new AlertNotice(0, 0);
        }
        if (!mail.configured()) {
            // kept unmarked: once EDM_SYSTEM_MAIL_* is set, the admins get what they missed (the REST list has it all)
            log.debug("{} alert(s) not mailed: the system mail sender is not configured", changed.size());
            return new AlertNotice(0, 0);
        }
        List<String> admins = jdbc.queryForList("""
                SELECT email FROM users
                 WHERE role = 'ADMIN' AND enabled AND status = 'ACTIVE' AND email IS NOT NULL AND email <> ''
                 ORDER BY id""", String.class);
        if (admins.isEmpty()) {
            return new AlertNotice(0, 0);
        }
        long raised = changed.stream().filter(a -> a.resolvedAt() == null).count();
        String subject = "[EDM] " + raised + " alert(s) raised, " + (changed.size() - raised) + " resolved";
        String html = digest(changed);
        int sent = 0;
        for (String admin : admins) {
            try {
                mail.send(admin, subject, html, "alerts-" + changed.get(0).id());
                sent++;
            } catch (MailSendException e) {
                if (!e.recipientFault()) {
                    // nothing marked yet: the whole digest is tried again (an admin may get it twice, none misses it)
                    throw ApplicationFailure.newFailure("alert digest could not be mailed: " + e.kind(),
                            "SystemMailFailed");
                }
                log.warn("the mail server refused an admin's address for the alert digest");
            }
        }
        alerts.markNotified(changed.stream().map(Alert::id).toList(), now);
        return new AlertNotice(changed.size(), sent);
    }

    private String digest(List<Alert> changed) {
        StringBuilder html = new StringBuilder("<p>Alerts of EDM Orchestrator that changed since the last notice:</p>"
                + "<table border=\"1\" cellpadding=\"4\" cellspacing=\"0\"><tr><th>#</th><th>state</th>"
                + "<th>severity</th><th>kind</th><th>what</th></tr>");
        for (Alert a : changed) {
            html.append("<tr><td>").append(a.id()).append("</td><td>").append(a.resolvedAt() == null ? "RAISED"
                            : "RESOLVED").append("</td><td>").append(a.severity()).append("</td><td>")
                    .append(a.kind()).append("</td><td>").append(SystemMail.escapeHtml(a.message()))
                    .append("</td></tr>");
        }
        return html.append("</table><p>All alerts: ").append(SystemMail.escapeHtml(consoleUrl))
                .append("/v1/admin/alerts</p>").toString();
    }
}
