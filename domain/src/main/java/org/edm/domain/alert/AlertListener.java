package org.edm.domain.alert;

/**
 * The hook for whoever else tells people about alerts (outgoing webhooks): every Spring bean implementing this is
 * called by {@link Alerts} right after an alert row is raised or resolved, <b>inside the writer's transaction</b>
 * when there is one. So a listener should only write its own rows (e.g. an outbox of webhook deliveries) with the
 * same DataSource — they commit or roll back with the alert — and leave slow or external work to a workflow.
 * A listener that throws rolls the alert back, so a missed webhook cannot happen silently.
 */
public interface AlertListener {

    void alertRaised(Alert alert);

    void alertResolved(Alert alert);
}
