package org.edm.activities.webhook;

import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
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
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Delivers outgoing webhook events: signs them per Standard Webhooks and POSTs them with connect/read timeouts, no
 * redirects (a 3xx is a failed attempt: following it could lead anywhere), and the SSRF guard — the client connects
 * only to addresses {@link GuardedDnsResolver} answered, all of them public unless
 * {@code edm.outgoing-webhooks.allow-private}.
 * Logs name the endpoint id, never its URL (which may carry a token) or the secret.
 */
@Component("webhookActivities")
public class WebhookActivitiesImpl implements WebhookActivities, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookActivitiesImpl.class);

    private final NamedParameterJdbcTemplate jdbc;
    private final SecretBox secrets;
    private final WebhookProperties properties;
    private final CloseableHttpClient http;

    @Autowired
    public WebhookActivitiesImpl(NamedParameterJdbcTemplate jdbc, SecretBox secrets, WebhookProperties properties) {
        this(jdbc, secrets, properties, InetAddress::getAllByName);
    }

    /** {@code lookup}: how hosts are resolved (the system resolver; tests answer per call to try re-binding). */
    WebhookActivitiesImpl(NamedParameterJdbcTemplate jdbc, SecretBox secrets, WebhookProperties properties,
                          GuardedDnsResolver.Lookup lookup) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.properties = properties;
        Timeout read = Timeout.of(properties.readTimeout());
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(new GuardedDnsResolver(lookup, properties.allowPrivate()))
                        .setDefaultConnectionConfig(ConnectionConfig.custom()
                                .setConnectTimeout(Timeout.of(properties.connectTimeout()))
                                .setSocketTimeout(read)
                                .build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(read).build())
                // no proxies from system properties (a proxy would resolve the host itself, past the guard), no
                // redirects, no retries of a POST, no cookies
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build();
    }

    @Override
    public void close() throws IOException {
        http.close();
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
        long timestamp = Instant.now().getEpochSecond();
        HttpPost request = new HttpPost(URI.create(pending.url()));
        request.setHeader("User-Agent", "EDM-Orchestrator-Webhooks/1");
        request.setHeader("webhook-id", pending.messageId());
        request.setHeader("webhook-timestamp", Long.toString(timestamp));
        request.setHeader("webhook-signature", WebhookSignatures.sign(secrets.open(pending.secret()),
                pending.messageId(), timestamp, pending.body()));
        request.setEntity(new ByteArrayEntity(pending.body().getBytes(StandardCharsets.UTF_8),
                ContentType.create("application/json")));
        // the host is resolved (and every address checked) by GuardedDnsResolver when the client connects
        try (ClassicHttpResponse response = http.executeOpen(null, request, null)) {
            // the answer's body is not needed: closing it without reading bounds what an endpoint can make us read
            int code = response.getCode();
            return new Outcome(code, code / 100 == 2 ? null : "HTTP " + code);
        } catch (GuardedDnsResolver.ForbiddenAddressException e) {
            return new Outcome(null, "refused: " + e.getMessage());
        } catch (UnknownHostException e) {
            return new Outcome(null, "the host name does not resolve");
        } catch (SocketTimeoutException e) { // ConnectTimeoutException is one too
            return new Outcome(null, "timed out");
        } catch (ConnectException e) {
            return new Outcome(null, "could not connect");
        } catch (IOException e) {
            return new Outcome(null, "connection failed: " + e.getClass().getSimpleName());
        }
    }
}
