package org.edm.activities.webhook;

import org.edm.domain.crypto.SecretBox;
import org.edm.domain.webhook.WebhookProperties;
import org.edm.domain.webhook.WebhookSignatures;
import org.edm.domain.webhook.WebhookTargets;
import org.edm.workflows.webhook.WebhookActivities;
import org.edm.workflows.webhook.WebhookAttempt;
import org.edm.workflows.webhook.WebhookAttemptResult;
import org.edm.workflows.webhook.WebhookNext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers outgoing webhook events: signs them per Standard Webhooks and POSTs them with connect/read timeouts, no
 * redirects (a 3xx is a failed attempt: following it could lead anywhere), and the SSRF guard — the host is
 * resolved first and every address it resolves to must be public unless {@code edm.outgoing-webhooks.allow-private}.
 * Logs name the endpoint id, never its URL (which may carry a token) or the secret.
 */
@Component("webhookActivities")
public class WebhookActivitiesImpl implements WebhookActivities {

    private static final Logger log = LoggerFactory.getLogger(WebhookActivitiesImpl.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final SecretBox secrets;
    private final WebhookProperties properties;
    private final HttpClient http;

    public WebhookActivitiesImpl(NamedParameterJdbcTemplate jdbc, SecretBox secrets, WebhookProperties properties) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.properties = properties;
        this.http = HttpClient.newBuilder()
                .connectTimeout(properties.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    @Override
    public WebhookNext nextWebhookDelivery(long endpointId) {
        List<Boolean> enabled = jdbc.queryForList("SELECT enabled FROM webhook_endpoints WHERE id = :id",
                Map.of("id", endpointId), Boolean.class);
        if (enabled.isEmpty()) {
            return WebhookNext.gone();
        }
        if (!enabled.get(0)) {
            return WebhookNext.idle(properties.idlePoll());
        }
        return jdbc.queryForList("""
                SELECT id FROM webhook_deliveries WHERE endpoint_id = :id AND status = 'PENDING' ORDER BY id LIMIT 1
                """, Map.of("id", endpointId), Long.class).stream().findFirst()
                .map(WebhookNext::due).orElse(WebhookNext.idle(properties.idlePoll()));
    }

    private record Pending(String messageId, String body, String url, byte[] secret) {
    }

    /** What one HTTP attempt came to: a status code, or an error without one. */
    record Outcome(Integer statusCode, String error) {
        boolean delivered() {
            return statusCode != null && statusCode / 100 == 2;
        }
    }

    @Override
    public WebhookAttemptResult attemptWebhookDelivery(WebhookAttempt attempt) {
        Optional<Pending> pending = jdbc.query("""
                SELECT d.message_id, d.body, e.url, e.secret_ciphertext
                  FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id
                 WHERE d.id = :id AND d.endpoint_id = :endpoint AND d.status = 'PENDING' AND e.enabled
                """, new MapSqlParameterSource("id", attempt.deliveryId()).addValue("endpoint", attempt.endpointId()),
                (rs, i) -> new Pending(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBytes(4)))
                .stream().findFirst();
        if (pending.isEmpty()) {
            // delivered meanwhile, endpoint disabled or deleted: nothing to send
            return new WebhookAttemptResult(WebhookAttemptResult.SKIPPED, null);
        }
        Outcome outcome = send(pending.get());
        boolean last = attempt.retryAtEpochMillis() == null;
        String status = outcome.delivered() ? "DELIVERED" : last ? "FAILED" : "PENDING";
        jdbc.update("""
                UPDATE webhook_deliveries
                   SET status = :status, attempts = attempts + 1, last_attempt_at = now(),
                       last_status_code = :code, last_error = :error,
                       delivered_at = CASE WHEN :status = 'DELIVERED' THEN now() END,
                       next_attempt_at = CASE WHEN :status = 'PENDING' THEN CAST(:retryAt AS TIMESTAMPTZ) END
                 WHERE id = :id AND status = 'PENDING'
                """, new MapSqlParameterSource("status", status)
                .addValue("code", outcome.statusCode())
                .addValue("error", outcome.error())
                .addValue("retryAt", last ? null : Timestamp.from(Instant.ofEpochMilli(attempt.retryAtEpochMillis())))
                .addValue("id", attempt.deliveryId()));
        if (!outcome.delivered()) {
            log.info("webhook endpoint {} event {} attempt {}: {}{}", attempt.endpointId(), attempt.deliveryId(),
                    attempt.attempt(), outcome.statusCode() != null ? "HTTP " + outcome.statusCode() : outcome.error(),
                    last ? " (giving up)" : "");
        }
        String result = outcome.delivered() ? WebhookAttemptResult.DELIVERED
                : last ? WebhookAttemptResult.FAILED : WebhookAttemptResult.RETRY;
        return new WebhookAttemptResult(result, outcome.statusCode());
    }

    Outcome send(Pending pending) {
        Optional<String> refusal = WebhookTargets.refusal(pending.url(), properties.allowPrivate());
        if (refusal.isPresent()) {
            return new Outcome(null, "refused: the URL " + refusal.get());
        }
        URI uri = URI.create(pending.url());
        if (!properties.allowPrivate()) {
            try {
                for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                    if (WebhookTargets.isForbidden(address)) {
                        return new Outcome(null, "refused: the host resolves to a loopback, private, link-local "
                                + "or multicast address");
                    }
                }
            } catch (UnknownHostException e) {
                return new Outcome(null, "the host name does not resolve");
            }
        }
        long timestamp = Instant.now().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(uri)
                .timeout(properties.readTimeout())
                .header("Content-Type", "application/json")
                .header("User-Agent", "EDM-Orchestrator-Webhooks/1")
                .header("webhook-id", pending.messageId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", WebhookSignatures.sign(secrets.open(pending.secret()),
                        pending.messageId(), timestamp, pending.body()))
                .POST(HttpRequest.BodyPublishers.ofString(pending.body()))
                .build();
        try {
            HttpResponse<InputStream> response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
            // the answer's body is not needed: closing it without reading bounds what an endpoint can make us read
            response.body().close();
            return new Outcome(response.statusCode(), response.statusCode() / 100 == 2 ? null
                    : "HTTP " + response.statusCode());
        } catch (HttpTimeoutException e) {
            return new Outcome(null, "timed out");
        } catch (ConnectException e) {
            return new Outcome(null, "could not connect");
        } catch (IOException e) {
            return new Outcome(null, "connection failed: " + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
