package org.edm.domain.webhook;

import org.edm.domain.alert.Alert;
import org.edm.domain.alert.AlertListener;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Alerts reach operators' endpoints as {@code alert.raised} / {@code alert.resolved}, written to the outbox in the
 * alert's own transaction: an alert about a user (their quota, task, domain) goes to that user; one about a sender
 * service to every user allowed to send through it. The payload carries kind, severity and ids, never the message
 * text (which may quote a provider's answer).
 */
@Component
class AlertWebhooks implements AlertListener {

    private final NamedParameterJdbcTemplate jdbc;
    private final OutgoingEvents outgoing;

    AlertWebhooks(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
        this.outgoing = new OutgoingEvents(jdbc);
    }

    @Override
    public void alertRaised(Alert alert) {
        publish(WebhookEventType.ALERT_RAISED, alert);
    }

    @Override
    public void alertResolved(Alert alert) {
        publish(WebhookEventType.ALERT_RESOLVED, alert);
    }

    private void publish(WebhookEventType type, Alert alert) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("alert_id", alert.id());
        data.put("kind", alert.kind());
        data.put("severity", alert.severity());
        data.put("subject", alert.subject());
        if (alert.senderServiceId() != null) {
            data.put("sender_service_id", alert.senderServiceId());
        }
        for (long user : recipients(alert)) {
            outgoing.publish(user, type, data);
        }
    }

    private List<Long> recipients(Alert alert) {
        if (alert.ownerId() != null) {
            return List.of(alert.ownerId());
        }
        if (alert.senderServiceId() != null) {
            return jdbc.queryForList("""
                    SELECT user_id FROM user_sender_service_access WHERE sender_service_id = :id ORDER BY user_id""",
                    new MapSqlParameterSource("id", alert.senderServiceId()), Long.class);
        }
        return List.of();
    }
}
