package org.edm.activities.provider.engagelab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.edm.activities.delivery.MailProvider;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;

/**
 * Sends through EngageLab's REST API, {@code POST {endpoint}/v1/mail/send} with HTTP basic auth
 * {@code api_user:api_key}. One JSON message per call: {@code {"from", "to": [..], "body": {"subject",
 * "content": {"html"}, "headers": {..}}}}.
 *
 * <p>Classification (seed 000 §7): 429 and "could not connect" mean the message did not leave ({@code NOT_SENT},
 * retried); a timeout, a dropped connection or any 5xx may follow an accepted send ({@code UNCERTAIN}) — 502/503/504
 * included, because a gateway in front of EngageLab can answer them after the backend took the message, and the
 * body does not tell which hop spoke. Freezing after consecutive failures bounds how many deliveries an outage
 * turns UNKNOWN. A 4xx about the
 * recipient fails that delivery alone; 401/403 and other 4xx (content, sender) fail it and count towards freezing.
 */
public final class EngageLabMailProvider implements MailProvider {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final EngageLabSettings settings;
    private final String authorization;
    private final HttpClient http;
    private final URI sendUri;
    private final Duration responseTimeout;

    public EngageLabMailProvider(EngageLabSettings settings, String apiKey) {
        this(settings, apiKey, Duration.ofSeconds(30));
    }

    /** {@code responseTimeout}: how long to wait for the answer once the request is on its way (tests shorten it). */
    EngageLabMailProvider(EngageLabSettings settings, String apiKey, Duration responseTimeout) {
        if (apiKey == null || apiKey.isBlank()) {
            throw new IllegalArgumentException("EngageLab needs an api_key");
        }
        this.settings = settings;
        this.authorization = "Basic " + Base64.getEncoder()
                .encodeToString((settings.apiUser() + ":" + apiKey).getBytes(StandardCharsets.UTF_8));
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.sendUri = URI.create(settings.endpoint() + "/v1/mail/send");
        this.responseTimeout = responseTimeout;
    }

    @Override
    public String send(OutgoingMail mail) {
        HttpRequest request = HttpRequest.newBuilder(sendUri)
                .timeout(responseTimeout)
                .header("Authorization", authorization)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(mail), StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            throw new MailSendException(Kind.NOT_SENT, "cannot reach EngageLab at " + settings.endpoint().getHost()
                    + ": " + e.getClass().getSimpleName(), null);
        } catch (IOException e) {
            throw new MailSendException(Kind.UNCERTAIN, "no answer from EngageLab: " + e.getClass().getSimpleName()
                    + " " + e.getMessage(), null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MailSendException(Kind.UNCERTAIN, "interrupted while waiting for EngageLab", null);
        }
        int status = response.statusCode();
        if (status / 100 == 2) {
            return messageId(response.body(), mail.messageId());
        }
        throw classify(status, response.body());
    }

    private String body(OutgoingMail mail) {
        ObjectNode root = JSON.createObjectNode();
        root.put("from", settings.fromName() == null ? mail.from() : settings.fromName() + " <" + mail.from() + ">");
        root.putArray("to").add(mail.to());
        ObjectNode body = root.putObject("body");
        body.put("subject", mail.subject());
        body.putObject("content").put("html", mail.htmlBody());
        if (!mail.headers().isEmpty()) {
            ObjectNode headers = body.putObject("headers");
            mail.headers().forEach(headers::put);
        }
        return root.toString();
    }

    static MailSendException classify(int status, String responseBody) {
        String detail = "HTTP " + status + " " + errorOf(responseBody);
        if (status == 429) {
            return new MailSendException(Kind.NOT_SENT, "EngageLab throttled the request: " + detail, null);
        }
        if (status >= 500) {
            return new MailSendException(Kind.UNCERTAIN, "EngageLab server error: " + detail, null);
        }
        if (status == 401 || status == 403) {
            return new MailSendException(Kind.REJECTED, "EngageLab refused the credentials: " + detail, null);
        }
        String lower = detail.toLowerCase(Locale.ROOT);
        boolean recipient = lower.contains("recipient") || lower.contains("\"to\"") || lower.contains("invalid email") || lower.contains("invalid address") || lower.contains("to address");
        return new MailSendException(Kind.REJECTED, recipient,
                (recipient ? "recipient refused: " : "EngageLab refused the message: ") + detail, null);
    }

    /** EngageLab errors look like {@code {"code": 30001, "message": "..."}}; anything else is cut short. */
    private static String errorOf(String responseBody) {
        try {
            JsonNode node = JSON.readTree(responseBody == null ? "" : responseBody);
            if (node != null && (node.has("code") || node.has("message"))) {
                return node.path("code").asText("") + " " + node.path("message").asText("");
            }
        } catch (IOException ignored) {
            // not JSON
        }
        String text = responseBody == null ? "" : responseBody.strip();
        return text.length() > 200 ? text.substring(0, 200) : text;
    }

    private static String messageId(String responseBody, String fallback) {
        try {
            JsonNode ids = JSON.readTree(responseBody).path("email_ids");
            if (ids.isArray() && !ids.isEmpty() && !ids.get(0).asText().isBlank()) {
                return ids.get(0).asText();
            }
        } catch (IOException | RuntimeException ignored) {
            // accepted without a readable id: keep ours
        }
        return fallback;
    }

    @Override
    public String toString() {
        return "EngageLabMailProvider[" + settings.endpoint().getHost() + "]";
    }
}
