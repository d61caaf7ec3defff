package org.edm.activities.delivery;

import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;

import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.Alerts;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import java.util.List;
import java.util.Map;

/**
 * Freezes a sender service that keeps failing (seeds: 10 consecutive failures by default; with
 * {@code failure_window_minutes} set, {@code failure_threshold} failures in a row within that many minutes).
 * Only an admin unfreezes. Failures that are about one recipient (unknown mailbox) do not count: a bad list must
 * not take a healthy service down.
 */
@Component
public class ServiceHealth {

    private static final Logger log = LoggerFactory.getLogger(ServiceHealth.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    /** Stateless, on the same JdbcTemplate: the freeze and its webhook events commit together. */
    private final OutgoingEvents outgoing;
    private final Alerts alerts;

    public ServiceHealth(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, Alerts alerts) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outgoing = new OutgoingEvents(jdbc);
        this.alerts = alerts;
    }

    /** Applies one batch's outcomes; returns true when this batch froze the service. */
    public boolean apply(long serviceId, Tally tally) {
        Tally.Snapshot s = tally.snapshot();
        if (!s.anySuccess() && s.trailingFailures() == 0) {
            return false;
        }
        Boolean frozen = tx.execute(status -> {
            List<Boolean> rows = jdbc.query("""
                    UPDATE sender_services
                       SET consecutive_failures = CASE
                               WHEN :reset OR (failure_window_minutes IS NOT NULL AND failure_streak_started_at
                                               < now() - make_interval(mins => failure_window_minutes))
                                   THEN :trailing
                               ELSE consecutive_failures + :trailing END,
                           failure_streak_started_at = CASE
                               WHEN :trailing = 0 THEN NULL
                               WHEN :reset OR failure_streak_started_at IS NULL THEN now()
                               -- a streak older than the window starts over: only failures close together count
                               WHEN failure_window_minutes IS NOT NULL AND failure_streak_started_at
                                    < now() - make_interval(mins => failure_window_minutes) THEN now()
                               ELSE failure_streak_started_at END
                     WHERE id = :id
                    RETURNING consecutive_failures >= failure_threshold AND health_status = 'ACTIVE'
                    """,
                    new MapSqlParameterSource()
                            .addValue("reset", s.anySuccess())
                            .addValue("trailing", s.trailingFailures())
                            .addValue("id", serviceId), (rs, i) -> rs.getBoolean(1));
            if (s.lastError() != null) {
                jdbc.update("UPDATE sender_services SET last_error = :error, last_error_at = now() WHERE id = :id",
                        new MapSqlParameterSource("error", s.lastError()).addValue("id", serviceId));
            }
            if (rows.isEmpty() || !rows.get(0)) {
                return false;
            }
            return freezeActive(serviceId,
                    "frozen automatically after repeated send failures; last error: " + s.lastError());
        });
        return Boolean.TRUE.equals(frozen);
    }

    /** Freezes an ACTIVE service now, with an alert for the admins; returns whether it was active. */
    public boolean freeze(long serviceId, String reason) {
        return Boolean.TRUE.equals(tx.execute(status -> freezeActive(serviceId, Redact.addresses(reason))));
    }

    private boolean freezeActive(long serviceId, String reason) {
        int frozen = jdbc.update("""
                UPDATE sender_services SET health_status = 'FROZEN', frozen_reason = :reason, frozen_at = now()
                 WHERE id = :id AND health_status = 'ACTIVE'
                """, new MapSqlParameterSource("reason", reason).addValue("id", serviceId));
        if (frozen == 0) {
            return false;
        }
        alerts.raise(new Alerts.Raise(AlertKinds.SENDER_SERVICE_FROZEN, AlertKinds.CRITICAL,
                "sender-service-" + serviceId, null, serviceId,
                "Sender service " + serviceId + " was frozen: " + reason + ". An admin must unfreeze it.",
                Map.of("sender_service_id", serviceId)));
        // services are shared: every user allowed to send through it hears of the freeze (the reason, which may
        // quote a provider's answer, stays in the admin alert)
        for (Long user : jdbc.queryForList(
                "SELECT user_id FROM user_sender_service_access WHERE sender_service_id = :id ORDER BY user_id",
                new MapSqlParameterSource("id", serviceId), Long.class)) {
            outgoing.publish(user, WebhookEventType.SENDER_SERVICE_FROZEN, Map.of("sender_service_id", serviceId));
        }
        log.warn("sender service {} frozen: {}", serviceId, reason);
        return true;
    }

    /** Outcomes of one batch in the order they happened; safe to feed from the parallel senders. */
    public static final class Tally {
        private boolean anySuccess;
        private int trailingFailures;
        private String lastError;

        public synchronized void success() {
            anySuccess = true;
            trailingFailures = 0;
        }

        public synchronized void failure(String error) {
            trailingFailures++;
            lastError = error;
        }

        synchronized Snapshot snapshot() {
            return new Snapshot(anySuccess, trailingFailures, lastError);
        }

        record Snapshot(boolean anySuccess, int trailingFailures, String lastError) {
        }
    }
}
