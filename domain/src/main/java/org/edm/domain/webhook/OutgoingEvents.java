package org.edm.domain.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one entry point for outgoing webhook events: {@link #publish} writes an outbox row ({@code webhook_deliveries})
 * per enabled endpoint of the owner that subscribed to the type, with the JdbcTemplate of the caller's transaction,
 * so the event commits or rolls back with the fact it reports. The endpoint's workflow ({@code webhook-endpoint-{id}})
 * delivers it later; nothing here calls out.
 *
 * <p>The body follows the Standard Webhooks shape {@code {"type", "timestamp", "data"}} and is stored as the exact
 * bytes that will be signed and sent. Data carries ids and outcomes, never recipient addresses or secrets.
 */
@Component
public class OutgoingEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final NamedParameterJdbcTemplate jdbc;

    public OutgoingEvents(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Queues {@code type} with {@code data} for every matching endpoint of {@code ownerId}.
     *
     * @return how many endpoints it was queued for (0 when the owner subscribed none to this type)
     */
    public int publish(long ownerId, WebhookEventType type, Map<String, ?> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type.wireName());
        body.put("timestamp", Instant.now().truncatedTo(ChronoUnit.MILLIS).toString());
        body.put("data", data);
        String json;
        try {
            json = JSON.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("webhook data is not serialisable", e);
        }
        // one message id per event and endpoint; it stays the same on retries and replays (receivers dedupe on it)
        return jdbc.update("""
                INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, body, next_attempt_at)
                SELECT e.id, 'msg_' || replace(CAST(gen_random_uuid() AS TEXT), '-', ''), :type, :body, now()
                  FROM webhook_endpoints e
                 WHERE e.owner_id = :owner AND e.enabled AND :type = ANY (e.event_types)
                 ORDER BY e.id
                """, new MapSqlParameterSource("owner", ownerId)
                .addValue("type", type.wireName())
                .addValue("body", json));
    }
}
