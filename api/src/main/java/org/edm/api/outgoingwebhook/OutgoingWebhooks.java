package org.edm.api.outgoingwebhook;

import org.edm.api.outgoingwebhook.WebhookEndpointViews.DeliveryView;
import org.edm.api.outgoingwebhook.WebhookEndpointViews.EndpointView;
import org.edm.api.security.CurrentUser;
import org.edm.api.support.FieldProblem;
import org.edm.api.support.InvalidInputException;
import org.edm.api.support.NotFoundException;
import org.edm.api.support.TemporalUnavailableException;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.webhook.WebhookEventType;
import org.edm.domain.webhook.WebhookProperties;
import org.edm.domain.webhook.WebhookSignatures;
import org.edm.domain.webhook.WebhookTargets;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * Operators' outgoing webhook endpoints (issue 14) and their delivery logs. The api only writes rows and wakes the
 * endpoint's workflow; the worker makes every call (and checks the resolved address again). The signing secret is
 * generated here, sealed with SecretBox and shown once.
 */
@Service
class OutgoingWebhooks {

    private static final String ENDPOINT = """
            SELECT e.id, e.url, e.description, e.event_types, e.enabled, e.created_at, e.updated_at,
                   (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'PENDING')
                       AS pending,
                   (SELECT count(*) FROM webhook_deliveries d WHERE d.endpoint_id = e.id AND d.status = 'FAILED')
                       AS failed
              FROM webhook_endpoints e
            """;

    private static final RowMapper<EndpointView> ENDPOINT_ROW = (rs, i) -> new EndpointView(rs.getLong("id"),
            rs.getString("url"), rs.getString("description"),
            Arrays.asList((String[]) rs.getArray("event_types").getArray()), rs.getBoolean("enabled"),
            rs.getLong("pending"), rs.getLong("failed"), rs.getObject("created_at", OffsetDateTime.class),
            rs.getObject("updated_at", OffsetDateTime.class), null);

    private static final String DELIVERY = """
            SELECT d.id, d.message_id, d.event_type, d.status, d.attempts, d.last_status_code, d.last_error,
                   d.last_attempt_at, d.next_attempt_at, d.delivered_at, d.replay_of, d.created_at
              FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
            """;

    private static final RowMapper<DeliveryView> DELIVERY_ROW = (rs, i) -> new DeliveryView(rs.getLong("id"),
            rs.getString("message_id"), rs.getString("event_type"), rs.getString("status"), rs.getInt("attempts"),
            (Integer) rs.getObject("last_status_code"), rs.getString("last_error"),
            rs.getObject("last_attempt_at", OffsetDateTime.class),
            rs.getObject("next_attempt_at", OffsetDateTime.class), rs.getObject("delivered_at", OffsetDateTime.class),
            (Long) rs.getObject("replay_of"),
            rs.getObject("created_at", OffsetDateTime.class));

    private final NamedParameterJdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final CurrentUser currentUser;
    private final SecretBox secrets;
    private final WebhookProperties properties;
    private final WebhookEndpointRuns runs;

    OutgoingWebhooks(NamedParameterJdbcTemplate jdbc, TransactionTemplate tx, CurrentUser currentUser,
                     SecretBox secrets, WebhookProperties properties, WebhookEndpointRuns runs) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.currentUser = currentUser;
        this.secrets = secrets;
        this.properties = properties;
        this.runs = runs;
    }

    /**
     * Registers the endpoint and starts its workflow. The row is committed first (a workflow that looked earlier
     * would find no endpoint and end); when Temporal cannot be reached the row is removed again and the answer is
     * 503, so nothing is left half-made.
     */
    EndpointView create(WebhookEndpointRequest request) {
        String[] types = validate(request);
        long owner = currentUser.id();
        String secret = WebhookSignatures.newSecret();
        Long id = tx.execute(status -> jdbc.queryForObject("""
                INSERT INTO webhook_endpoints (owner_id, url, description, event_types, enabled, secret_ciphertext)
                VALUES (:owner, :url, :description, :types, :enabled, :secret) RETURNING id
                """, new MapSqlParameterSource("owner", owner)
                .addValue("url", request.url().trim())
                .addValue("description", request.description())
                .addValue("types", types)
                .addValue("enabled", request.enabled() == null || request.enabled())
                .addValue("secret", secrets.seal(secret)), Long.class));
        try {
            runs.wake(id, owner);
        } catch (RuntimeException e) {
            jdbc.update("DELETE FROM webhook_endpoints WHERE id = :id", new MapSqlParameterSource("id", id));
            throw new TemporalUnavailableException("could not start delivering to the endpoint (Temporal "
                    + "unreachable?); nothing was registered, try again later", e);
        }
        return get(id).withSecret(secret);
    }

    @Transactional(readOnly = true)
    List<EndpointView> list() {
        return jdbc.query(ENDPOINT + " WHERE e.owner_id = :owner ORDER BY e.id",
                new MapSqlParameterSource("owner", currentUser.id()), ENDPOINT_ROW);
    }

    @Transactional(readOnly = true)
    EndpointView get(long id) {
        return jdbc.query(ENDPOINT + " WHERE e.id = :id AND e.owner_id = :owner",
                new MapSqlParameterSource("id", id).addValue("owner", currentUser.id()), ENDPOINT_ROW)
                .stream().findFirst().orElseThrow(() -> NotFoundException.of("webhook", id));
    }

    /** Replaces URL, description, event types and enabled; queued events go to the new URL, signed as before. */
    @Transactional
    EndpointView update(long id, WebhookEndpointRequest request) {
        lockOwn(id);
        String[] types = validate(request);
        jdbc.update("""
                UPDATE webhook_endpoints
                   SET url = :url, description = :description, event_types = :types, enabled = :enabled,
                       updated_at = now()
                 WHERE id = :id
                """, new MapSqlParameterSource("id", id)
                .addValue("url", request.url().trim())
                .addValue("description", request.description())
                .addValue("types", types)
                .addValue("enabled", request.enabled() == null || request.enabled()));
        runs.wakeAfterCommit(id, currentUser.id());
        return get(id);
    }

    /** A new secret takes effect for every call from now on, retries of queued events included. */
    @Transactional
    EndpointView rotateSecret(long id) {
        lockOwn(id);
        String secret = WebhookSignatures.newSecret();
        jdbc.update("UPDATE webhook_endpoints SET secret_ciphertext = :secret, updated_at = now() WHERE id = :id",
                new MapSqlParameterSource("id", id).addValue("secret", secrets.seal(secret)));
        runs.wakeAfterCommit(id, currentUser.id());
        return get(id).withSecret(secret);
    }

    /** Deletes the endpoint with its log and queue; its workflow finds it gone and ends. */
    @Transactional
    void delete(long id) {
        lockOwn(id);
        jdbc.update("DELETE FROM webhook_endpoints WHERE id = :id", new MapSqlParameterSource("id", id));
        runs.wakeAfterCommit(id, currentUser.id());
    }

    /** The newest first; {@code beforeId} pages back. */
    @Transactional(readOnly = true)
    List<DeliveryView> deliveries(long id, String status, Long beforeId, int limit) {
        get(id);
        if (status != null && !List.of("PENDING", "DELIVERED", "FAILED").contains(status)) {
            throw new InvalidInputException("status", "must be PENDING, DELIVERED or FAILED");
        }
        if (limit < 1 || limit > 200) {
            throw new InvalidInputException("limit", "must be between 1 and 200");
        }
        return jdbc.query(DELIVERY + """
                 WHERE d.endpoint_id = :id AND e.owner_id = :owner
                   AND (CAST(:status AS TEXT) IS NULL OR d.status = :status)
                   AND (CAST(:before AS BIGINT) IS NULL OR d.id < :before)
                 ORDER BY d.id DESC LIMIT :limit
                """, new MapSqlParameterSource("id", id).addValue("owner", currentUser.id())
                .addValue("status", status).addValue("before", beforeId).addValue("limit", limit), DELIVERY_ROW);
    }

    @Transactional(readOnly = true)
    DeliveryView delivery(long id, long deliveryId) {
        return jdbc.query(DELIVERY + " WHERE d.id = :delivery AND d.endpoint_id = :id AND e.owner_id = :owner",
                new MapSqlParameterSource("id", id).addValue("delivery", deliveryId)
                        .addValue("owner", currentUser.id()), DELIVERY_ROW)
                .stream().findFirst().orElseThrow(() -> NotFoundException.of("webhook delivery", deliveryId));
    }

    /**
     * Sends an event again: a new row at the end of the queue with the same body and webhook-id (so a receiver that
     * did process it can tell), delivered with the usual retries.
     */
    @Transactional
    DeliveryView replay(long id, long deliveryId) {
        lockOwn(id);
        delivery(id, deliveryId);
        Long replay = jdbc.queryForObject("""
                INSERT INTO webhook_deliveries (endpoint_id, message_id, event_type, body, next_attempt_at, replay_of)
                SELECT endpoint_id, message_id, event_type, body, now(), id FROM webhook_deliveries WHERE id = :delivery
                RETURNING id
                """, new MapSqlParameterSource("delivery", deliveryId), Long.class);
        runs.wakeAfterCommit(id, currentUser.id());
        return delivery(id, replay);
    }

    private void lockOwn(long id) {
        List<Long> own = jdbc.queryForList("""
                SELECT id FROM webhook_endpoints WHERE id = :id AND owner_id = :owner FOR UPDATE
                """, new MapSqlParameterSource("id", id).addValue("owner", currentUser.id()), Long.class);
        if (own.isEmpty()) {
            throw NotFoundException.of("webhook", id);
        }
    }

    private String[] validate(WebhookEndpointRequest request) {
        List<FieldProblem> problems = new ArrayList<>();
        WebhookTargets.refusal(request.url().trim(), properties.allowPrivate())
                .ifPresent(why -> problems.add(new FieldProblem("url", why)));
        LinkedHashSet<String> types = new LinkedHashSet<>();
        for (int i = 0; i < request.eventTypes().size(); i++) {
            String type = request.eventTypes().get(i).trim();
            if (WebhookEventType.ofWireName(type).isEmpty()) {
                problems.add(new FieldProblem("event_types[" + i + "]", "unknown event type '" + type
                        + "'; one of " + Arrays.stream(WebhookEventType.values()).map(WebhookEventType::wireName)
                        .toList()));
            }
            types.add(type);
        }
        if (!problems.isEmpty()) {
            throw new InvalidInputException(problems);
        }
        return types.toArray(String[]::new);
    }
}
