package org.edm.domain.alert;

import org.edm.domain.task.PauseReason;
import org.edm.domain.task.SendBatches;
import org.edm.domain.task.TaskStatus;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.stereotype.Component;

import java.util.List;

/**
 * The alert rules of seed 000 §9 / seed 001 F19, F25, each one set-based query over all subjects at once, run by the
 * {@code alerts} workflow every few minutes ({@link Alerts#reconcile}). The event-driven writers raise some of the
 * same kinds at the moment they happen (freeze, domain failing, quota crossing); these rules catch what they cannot
 * see (rates) and resolve what cleared.
 */
@Component
public class AlertRules {

    /** The thresholds ({@code edm.alerts.*}). */
    public record Thresholds(int bounceWindow, int bounceMinSends, double bounceRate, int openRateTasks,
                             double openRate, long quotaLow) {

        public static final Thresholds DEFAULTS = new Thresholds(200, 50, 0.10, 3, 0.05, 100);
    }

    /** What one evaluation changed, and how many alerts are unresolved after it. */
    public record Outcome(int raised, int resolved, long unresolved) {
    }

    private final Alerts alerts;
    private final Thresholds thresholds;

    @Autowired
    public AlertRules(Alerts alerts,
                      @Value("${edm.alerts.bounce-window:200}") int bounceWindow,
                      @Value("${edm.alerts.bounce-min-sends:50}") int bounceMinSends,
                      @Value("${edm.alerts.bounce-rate:0.10}") double bounceRate,
                      @Value("${edm.alerts.open-rate-tasks:3}") int openRateTasks,
                      @Value("${edm.alerts.open-rate:0.05}") double openRate,
                      @Value("${edm.quota.low-threshold:100}") long quotaLow) {
        this(alerts, new Thresholds(bounceWindow, Math.min(bounceMinSends, bounceWindow), bounceRate,
                Math.max(1, openRateTasks), openRate, quotaLow));
    }

    public AlertRules(Alerts alerts, Thresholds thresholds) {
        this.alerts = alerts;
        this.thresholds = thresholds;
    }

    public Thresholds thresholds() {
        return thresholds;
    }

    public Outcome evaluate() {
        List<Alerts.Reconciled> all = List.of(bounceRate(), openRate(), frozenServices(),
                pausedTasks(AlertKinds.TASK_PAUSED_NO_SERVICE, List.of(PauseReason.NO_USABLE_SERVICE.text())),
                pausedTasks(AlertKinds.TASK_PAUSED_NO_QUOTA,
                        List.of(PauseReason.QUOTA_USED_UP.text(), PauseReason.NO_USER_QUOTA.text())),
                quotaBackUp(), failingDomains());
        return new Outcome(all.stream().mapToInt(Alerts.Reconciled::raised).sum(),
                all.stream().mapToInt(Alerts.Reconciled::resolved).sum(), alerts.unresolved());
    }

    /**
     * A service whose last N sends (at least the minimum) bounced more than the rate. The last sends are the
     * service's SENT deliveries with the newest sent_at, found through its send batches (SendBatches.lastSent).
     */
    Alerts.Reconciled bounceRate() {
        return alerts.reconcile(AlertKinds.SENDER_BOUNCE_RATE_HIGH, AlertKinds.WARNING, """
                SELECT 'sender-service-' || s.id AS subject, CAST(NULL AS bigint) AS owner_id,
                       s.id AS sender_service_id,
                       'Sender service ' || s.name || ' (' || s.id || '): ' || r.bounces || ' of its last '
                           || r.sends || ' sends bounced (' || round(100.0 * r.bounces / r.sends, 1)
                           || ' %%), above ' || round(100 * CAST(:bounceRate AS numeric), 1) || ' %%' AS message,
                       jsonb_build_object('sender_service_id', s.id, 'sends', r.sends, 'bounces', r.bounces,
                                          'rate', round(CAST(r.bounces AS numeric) / r.sends, 4),
                                          'threshold', CAST(:bounceRate AS numeric)) AS details
                  FROM sender_services s
                 CROSS JOIN LATERAL (
                        SELECT count(*) AS sends,
                               count(*) FILTER (WHERE EXISTS (SELECT 1 FROM event_log e
                                                               WHERE e.delivery_id = d.id AND e.type = 'BOUNCE'))
                                   AS bounces
                          FROM (%s) d) r
                 WHERE r.sends >= :bounceMinSends AND r.bounces > CAST(:bounceRate AS numeric) * r.sends
                """.formatted(SendBatches.lastSent("s.id")),
                new MapSqlParameterSource("window", thresholds.bounceWindow())
                .addValue("bounceMinSends", thresholds.bounceMinSends())
                .addValue("bounceRate", thresholds.bounceRate()), true);
    }

    /**
     * A campaign whose last N finished tasks each had an open rate below the threshold (N in a row). A task's sent
     * count is the sum of its send batches' counts (SendBatches.taskSent), so that each round does not read every
     * delivery row of those tasks (no index of deliveries holds status, V150).
     */
    Alerts.Reconciled openRate() {
        return alerts.reconcile(AlertKinds.CAMPAIGN_OPEN_RATE_LOW, AlertKinds.WARNING, """
                WITH last AS (
                    SELECT id, campaign_id, owner_id FROM (
                        SELECT t.id, t.campaign_id, t.owner_id,
                               row_number() OVER (PARTITION BY t.campaign_id ORDER BY t.seq DESC) AS rn
                          FROM tasks t WHERE t.status = %s) x
                     WHERE rn <= :openTasks
                ), rates AS (
                    SELECT l.id, l.campaign_id, l.owner_id,
                           %s AS sent,
                           (SELECT count(DISTINCT e.delivery_id) FROM event_log e
                             WHERE e.task_id = l.id AND e.type = 'OPEN' AND NOT e.machine) AS opened
                      FROM last l
                )
                SELECT 'campaign-' || campaign_id AS subject, min(owner_id) AS owner_id,
                       CAST(NULL AS bigint) AS sender_service_id,
                       'Campaign ' || campaign_id || ': the last ' || count(*) || ' finished tasks each had an open'
                           || ' rate below ' || round(100 * CAST(:openRate AS numeric), 1) || ' %%' AS message,
                       jsonb_build_object('campaign_id', campaign_id, 'task_ids', jsonb_agg(id ORDER BY id),
                                          'sent', jsonb_agg(sent ORDER BY id), 'opened', jsonb_agg(opened ORDER BY id),
                                          'threshold', CAST(:openRate AS numeric)) AS details
                  FROM rates
                 GROUP BY campaign_id
                HAVING count(*) = :openTasks AND bool_and(sent > 0 AND opened < CAST(:openRate AS numeric) * sent)
                """.formatted(TaskStatus.FINISHED.sql(), SendBatches.taskSent("l.id")),
                new MapSqlParameterSource("openTasks", thresholds.openRateTasks())
                .addValue("openRate", thresholds.openRate()), true);
    }

    Alerts.Reconciled frozenServices() {
        return alerts.reconcile(AlertKinds.SENDER_SERVICE_FROZEN, AlertKinds.CRITICAL, """
                SELECT 'sender-service-' || id AS subject, CAST(NULL AS bigint) AS owner_id, id AS sender_service_id,
                       'Sender service ' || name || ' (' || id || ') is frozen: ' || coalesce(frozen_reason, '?')
                           || '. An admin must unfreeze it.' AS message,
                       jsonb_build_object('sender_service_id', id) AS details
                  FROM sender_services WHERE health_status = 'FROZEN'
                """, new MapSqlParameterSource(), true);
    }

    Alerts.Reconciled pausedTasks(String kind, List<String> reasons) {
        return alerts.reconcile(kind, AlertKinds.WARNING, """
                SELECT 'task-' || id AS subject, owner_id, CAST(NULL AS bigint) AS sender_service_id,
                       'Task ' || id || ' of campaign ' || campaign_id || ' is paused: ' || pause_reason AS message,
                       jsonb_build_object('task_id', id, 'campaign_id', campaign_id, 'reason', pause_reason) AS details
                  FROM tasks WHERE status = %s AND pause_reason IN (:reasons)
                """.formatted(TaskStatus.PAUSED.sql()), new MapSqlParameterSource("reasons", reasons), true);
    }

    /** QUOTA_LOW is raised by the ledger at the crossing; it is resolved here once the balance is back up. */
    Alerts.Reconciled quotaBackUp() {
        return alerts.reconcile(AlertKinds.QUOTA_LOW, AlertKinds.WARNING, """
                SELECT a.subject, a.owner_id, a.sender_service_id, a.message, a.details
                  FROM alerts a JOIN users u ON a.subject = 'user:' || u.id
                 WHERE a.kind = 'QUOTA_LOW' AND a.resolved_at IS NULL AND u.quota_balance < :quotaLow
                """, new MapSqlParameterSource("quotaLow", thresholds.quotaLow()), false);
    }

    Alerts.Reconciled failingDomains() {
        return alerts.reconcile(AlertKinds.DOMAIN_DNS_FAILING, AlertKinds.CRITICAL, """
                SELECT 'domain-' || id AS subject, owner_id, CAST(NULL AS bigint) AS sender_service_id,
                       'Sending domain ' || name || ' no longer passes its DNS checks.' AS message,
                       jsonb_build_object('domain_id', id) AS details
                  FROM sending_domains WHERE status = 'FAILING'
                """, new MapSqlParameterSource(), true);
    }
}
