package org.edm.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.domain.tracking.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Provider event notifications: delivered, bounced, opened, clicked, unsubscribed, complained. Each call carries
 * {@code X-Webhook-Timestamp} and {@code X-Webhook-Signature} (see {@link WebhookSignature}); unsigned, badly
 * signed or stale calls are refused with 401 and change nothing. The body is one event object or an array of
 * them; each names the provider's message id ({@code deliveries.provider_message_id}), which maps it to the
 * delivery. Each event is stored once under its provider event id (or a digest of the event when the provider
 * gives none), so a replayed call records nothing new.
 */
@RestController
@Tag(name = "Webhooks", description = "Event notifications from EngageLab and Aliyun DirectMail")
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    static final String TIMESTAMP = "X-Webhook-Timestamp";
    static final String SIGNATURE = "X-Webhook-Signature";

    private final EngagementEvents events;
    private final ObjectMapper json;
    private final Clock clock;
    private final String engageLabSecret;
    private final String aliyunSecret;

    WebhookController(EngagementEvents events, ObjectMapper json, Optional<Clock> clock,
                      @Value("${EDM_ENGAGELAB_WEBHOOK_SECRET:${edm.webhooks.engagelab-secret:}}") String engageLabSecret,
                      @Value("${EDM_ALIYUN_DM_WEBHOOK_SECRET:${edm.webhooks.aliyun-dm-secret:}}") String aliyunSecret) {
        this.events = events;
        this.json = json;
        this.clock = clock.orElse(Clock.systemUTC());
        this.engageLabSecret = engageLabSecret;
        this.aliyunSecret = aliyunSecret;
    }

    /** What one call changed. */
    record WebhookResult(int received, int recorded, int duplicates, int unknown_message) {
    }

    @PostMapping("/webhooks/engagelab")
    @Operation(summary = "EngageLab e-mail events (signed with EDM_ENGAGELAB_WEBHOOK_SECRET)")
    ResponseEntity<?> engageLab(@RequestHeader(name = TIMESTAMP, required = false) String timestamp,
                                @RequestHeader(name = SIGNATURE, required = false) String signature,
                                @RequestBody(required = false) String body) {
        return receive("engagelab", engageLabSecret, timestamp, signature, body);
    }

    @PostMapping("/webhooks/aliyun-dm")
    @Operation(summary = "Aliyun DirectMail events (signed with EDM_ALIYUN_DM_WEBHOOK_SECRET)")
    ResponseEntity<?> aliyun(@RequestHeader(name = TIMESTAMP, required = false) String timestamp,
                             @RequestHeader(name = SIGNATURE, required = false) String signature,
                             @RequestBody(required = false) String body) {
        return receive("aliyun-dm", aliyunSecret, timestamp, signature, body);
    }

    private ResponseEntity<?> receive(String provider, String secret, String timestamp, String signature,
                                      String body) {
        String raw = body == null ? "" : body;
        Instant now = clock.instant();
        WebhookSignature.Verdict verdict = WebhookSignature.check(secret, timestamp, signature, raw, now);
        if (verdict != WebhookSignature.Verdict.VALID) {
            log.info("{} webhook refused: {}", provider, verdict);
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, switch (verdict) {
                case UNSIGNED -> "the call is not signed (or no webhook secret is configured for " + provider + ")";
                case BAD_SIGNATURE -> "the signature does not match the body";
                default -> "the timestamp is more than " + WebhookSignature.MAX_SKEW.toMinutes()
                        + " minutes from now";
            });
            problem.setTitle("Unauthorized");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
        }
        List<JsonNode> items = new ArrayList<>();
        try {
            JsonNode root = json.readTree(raw);
            if (root != null && root.isArray()) {
                root.forEach(items::add);
            } else if (root != null && root.isObject()) {
                items.add(root);
            }
        } catch (IOException e) {
            items.clear();
        }
        if (items.isEmpty() || items.stream().anyMatch(i -> !i.isObject())) {
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                    "the body must be an event object or a non-empty array of them");
            problem.setTitle("Bad request");
            return ResponseEntity.badRequest().body(problem);
        }
        int recorded = 0;
        int duplicates = 0;
        int unknown = 0;
        for (JsonNode item : items) {
            Optional<ProviderEvent> event = ProviderEvent.parse(item, now);
            Optional<EngagementEvents.Delivery> delivery = event
                    .flatMap(e -> events.byProviderMessageId(e.messageId()));
            if (event.isEmpty() || delivery.isEmpty()) {
                unknown++;
                continue;
            }
            ProviderEvent e = event.get();
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("provider", provider);
            details.put("event", e.name());
            if (e.url() != null) {
                details.put("url", e.url());
            }
            if (e.type() == EventType.BOUNCE) {
                details.put("hard", e.hardBounce());
            }
            String externalId = provider + ":" + (e.eventId() != null ? e.eventId() : digest(item.toString()));
            boolean isNew = events.record(delivery.get(), new EngagementEvents.Event(e.type(), false, e.at(),
                    e.userAgent(), null, truncate(externalId, 255), json.valueToTree(details).toString(),
                    e.hardBounce()));
            if (isNew) {
                recorded++;
            } else {
                duplicates++;
            }
        }
        return ResponseEntity.ok(new WebhookResult(items.size(), recorded, duplicates, unknown));
    }

    private static String digest(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }

    /** One provider event in the fields both providers use (names differ; the first present one wins). */
    record ProviderEvent(String name, EventType type, boolean hardBounce, String messageId, String eventId,
                         Instant at, String url, String userAgent) {

        static Optional<ProviderEvent> parse(JsonNode item, Instant now) {
            String name = text(item, "event", "event_type", "eventType", "status", "Status");
            String messageId = text(item, "email_id", "message_id", "messageId", "env_id", "EnvId", "envId");
            if (name == null || messageId == null) {
                return Optional.empty();
            }
            String lower = name.toLowerCase(Locale.ROOT);
            EventType type;
            boolean hard = false;
            switch (lower) {
                case "delivered", "deliver", "delivery", "success" -> type = EventType.DELIVERED;
                case "open", "opened" -> type = EventType.OPEN;
                case "click", "clicked" -> type = EventType.CLICK;
                case "unsubscribe", "unsubscribed", "report_spam", "spam", "complaint", "complained" ->
                        type = EventType.UNSUBSCRIBE;
                case "bounce", "bounced", "hard_bounce", "invalid", "failed", "fail", "dropped" -> {
                    type = EventType.BOUNCE;
                    hard = true;
                }
                case "soft_bounce", "soft_bounced", "deferred" -> type = EventType.BOUNCE;
                default -> {
                    return Optional.empty();
                }
            }
            return Optional.of(new ProviderEvent(lower, type, hard, messageId,
                    text(item, "event_id", "eventId", "id", "msg_id", "MessageId"), time(item, now),
                    text(item, "url", "link"), text(item, "user_agent", "userAgent", "ua")));
        }

        private static Instant time(JsonNode item, Instant now) {
            JsonNode t = item.path("timestamp");
            if (t.isNumber()) {
                long v = t.asLong();
                return v > 100_000_000_000L ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
            }
            if (t.isTextual()) {
                try {
                    return Instant.parse(t.asText());
                } catch (RuntimeException ignored) {
                    // not ISO-8601: the time we received it is close enough
                }
            }
            return now;
        }

        private static String text(JsonNode item, String... names) {
            for (String n : names) {
                JsonNode v = item.get(n);
                if (v != null && !v.isNull() && !v.asText().isBlank()) {
                    return v.asText().trim();
                }
            }
            return null;
        }
    }
}
