package org.edm.api.webhook;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirements;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.domain.tracking.EventType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Provider event notifications (delivered, bounced, opened, clicked, unsubscribed, complained), all under
 * {@code /webhooks/} and callable without a user token: the provider's signature is the authentication.
 * <ul>
 * <li>{@code POST /webhooks/engagelab}: EngageLab Email's callback, signed as {@link EngageLabWebhook} describes.</li>
 * <li>{@code POST /webhooks/aliyun-dm} and {@code /webhooks/aliyun-dm/{event}}: Aliyun DirectMail events pushed by
 * an MNS HTTP subscription, verified as {@link MnsSignature} describes and read as {@link AliyunDmNotification}
 * describes; a call without MNS headers may instead carry our shared-secret signature ({@link WebhookSignature}).</li>
 * </ul>
 * Unsigned, badly signed or stale calls, an EngageLab signature reused with another body ({@link WebhookReplays}) and
 * MNS pushes from a topic owner not in {@code EDM_MNS_TOPIC_OWNERS} ({@link MnsTopicOwners}) are refused with 401 and
 * change nothing; bodies over {@code edm.limits.webhook-body} get 413 first. An event names the delivery by the
 * provider message id the send path stored; when that is missing or unknown, by the recipient's latest delivery sent
 * through that provider in the last 30 days (in the task the event names, if it names one). Each event is stored once
 * under the provider's event id (or a digest of the event), so a redelivered call records nothing new.
 */
@RestController
@SecurityRequirements // public: no token (see SecurityConfiguration)
@Tag(name = "Webhooks", description = "Event notifications from EngageLab and Aliyun DirectMail")
class WebhookController {

    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);
    /** Providers push events for up to 30 days after sending (DirectMail says so); older matches are not ours. */
    private static final Duration RECIPIENT_FALLBACK_WINDOW = Duration.ofDays(30);

    private final EngagementEvents events;
    private final ObjectMapper json;
    private final Clock clock;
    private final MnsSignature mns;
    private final String engageLabSecret;
    private final String aliyunSecret;
    private final Duration maxSkew;
    private final MnsTopicOwners mnsTopicOwners;
    private final WebhookReplays replays;
    private final MeterRegistry meters;

    WebhookController(EngagementEvents events, ObjectMapper json, Optional<Clock> clock, MnsSignature mns,
                      WebhookReplays replays, MeterRegistry meters,
                      @Value("${EDM_ENGAGELAB_WEBHOOK_SECRET:${edm.webhooks.engagelab-secret:}}") String engageLabSecret,
                      @Value("${EDM_ALIYUN_DM_WEBHOOK_SECRET:${edm.webhooks.aliyun-dm-secret:}}") String aliyunSecret,
                      @Value("${EDM_WEBHOOK_MAX_SKEW:${edm.webhooks.max-skew:PT5M}}") Duration maxSkew,
                      @Value("${EDM_MNS_TOPIC_OWNERS:${edm.webhooks.aliyun-mns.topic-owners:}}") String topicOwners,
                      @Value("${EDM_MNS_ALLOW_ANY_TOPIC_OWNER:${edm.webhooks.aliyun-mns.allow-any-topic-owner:false}}")
                      boolean allowAnyTopicOwner) {
        this.events = events;
        this.json = json;
        this.clock = clock.orElse(Clock.systemUTC());
        this.mns = mns;
        this.engageLabSecret = engageLabSecret;
        this.aliyunSecret = aliyunSecret;
        this.maxSkew = maxSkew;
        this.replays = replays;
        this.meters = meters;
        this.mnsTopicOwners = MnsTopicOwners.of(topicOwners, allowAnyTopicOwner);
    }

    /** What one call changed; {@code ignored}: statuses we acknowledge and do not track (e.g. EngageLab "sent"). */
    record WebhookResult(int received, int recorded, int duplicates, int unknown_message, int ignored) {
    }

    @PostMapping("/webhooks/engagelab")
    @Operation(summary = "EngageLab Email status and response callbacks (X-WebHook-Signature with the app key "
            + "in EDM_ENGAGELAB_WEBHOOK_SECRET)", description = "A signature/timestamp pair is good for one body: "
            + "the same call again is accepted (nothing new is recorded), the pair with another body is 401.")
    @ApiResponse(responseCode = "200", description = "what the call recorded")
    @ApiResponse(responseCode = "400", description = "not an event object or array", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "401", description = "unsigned, wrongly signed, stale, or a reused signature",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "the body is larger than edm.limits.webhook-body (256 KB)",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<?> engageLab(HttpServletRequest request, @RequestBody(required = false) byte[] body) {
        String raw = body == null ? "" : new String(body, StandardCharsets.UTF_8);
        Instant now = clock.instant();
        EngageLabWebhook.Verdict verdict = EngageLabWebhook.check(engageLabSecret,
                request.getHeader(EngageLabWebhook.TIMESTAMP), request.getHeader(EngageLabWebhook.APP_KEY),
                request.getHeader(EngageLabWebhook.SIGNATURE), raw, now, maxSkew);
        if (verdict != EngageLabWebhook.Verdict.VALID) {
            log.info("engagelab webhook refused: {}", verdict);
            return unauthorized(switch (verdict) {
                case UNSIGNED -> "the call is not signed (or no webhook secret is configured for engagelab)";
                case BAD_SIGNATURE -> "the signature does not match";
                default -> "the timestamp is more than " + maxSkew.toMinutes() + " minutes from now";
            });
        }
        // EngageLab's recipes sign the timestamp only: one signature/timestamp pair is good for one body
        if (!replays.firstUseOrRetry("engagelab",
                request.getHeader(EngageLabWebhook.SIGNATURE).trim().toLowerCase(Locale.ROOT),
                request.getHeader(EngageLabWebhook.TIMESTAMP).trim(), sha256(body == null ? new byte[0] : body), now,
                maxSkew)) {
            log.info("engagelab webhook refused: signature and timestamp already used for another body");
            return unauthorized("this signature and timestamp were already used for another body; a call is "
                    + "signed anew for each body");
        }
        return recordItems(raw, "engagelab", "ENGAGELAB",
                item -> EngageLabWebhook.parse(item, now, digest(item.toString())));
    }

    @PostMapping({"/webhooks/aliyun-dm", "/webhooks/aliyun-dm/{event}"})
    @Operation(summary = "Aliyun DirectMail events via an MNS HTTP subscription (RSA-signed by MNS); optional "
            + "{event}: the event type when the subscription carries one type (delivered, failed, open, click)",
            description = "The signing certificate must come over https from an MNS host and be pinned or issued by "
                    + "a trusted root; the notification's TopicOwner must be in EDM_MNS_TOPIC_OWNERS (unset: 401).")
    @ApiResponse(responseCode = "200", description = "what the call recorded")
    @ApiResponse(responseCode = "400", description = "not an MNS notification", content = @Content(
            mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "401", description = "unsigned, wrongly signed, stale, untrusted certificate or "
            + "topic owner", content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    @ApiResponse(responseCode = "413", description = "the body is larger than edm.limits.webhook-body (256 KB)",
            content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE,
                    schema = @Schema(implementation = ProblemDetail.class)))
    ResponseEntity<?> aliyun(HttpServletRequest request, @PathVariable(required = false) String event,
                             @RequestBody(required = false) byte[] body) {
        byte[] bytes = body == null ? new byte[0] : body;
        Instant now = clock.instant();
        Map<String, String> headers = headers(request);
        if (headers.containsKey(MnsSignature.CERT_URL)) {
            String resource = request.getRequestURI()
                    + (request.getQueryString() == null ? "" : "?" + request.getQueryString());
            MnsSignature.Verdict verdict = mns.verify(request.getMethod(), resource, headers, bytes, now);
            if (verdict != MnsSignature.Verdict.VALID) {
                log.info("aliyun-dm MNS push refused: {}", verdict);
                return unauthorized(switch (verdict) {
                    case UNSIGNED -> "the push lacks x-mns-signing-cert-url, Authorization or Date";
                    case UNTRUSTED_CERTIFICATE -> "the signing certificate URL is not an allowed MNS address";
                    case CERTIFICATE_UNAVAILABLE -> "the signing certificate could not be fetched";
                    case UNTRUSTED_ISSUER -> "the signing certificate is not issued by a trusted root, not pinned, "
                            + "or not valid now";
                    case BAD_SIGNATURE -> "the signature does not match";
                    case BODY_MISMATCH -> "the body does not match Content-MD5 (or Content-MD5 is missing)";
                    default -> "the Date is more than " + mns.maxSkew().toMinutes() + " minutes from now";
                });
            }
            Optional<AliyunDmNotification.Envelope> envelope = AliyunDmNotification.envelope(bytes);
            if (envelope.isEmpty()) {
                return badRequest("the body is not an MNS notification (XML, JSON or SIMPLIFIED)");
            }
            // MNS signs every customer's pushes with the same certificates: only our account's topics count
            if (!mnsTopicOwners.allows(envelope.get().topicOwner())) {
                log.info("aliyun-dm MNS push refused: topic owner {} not allowed{}", envelope.get().topicOwner(),
                        mnsTopicOwners.configured() ? "" : " (EDM_MNS_TOPIC_OWNERS is unset)");
                return unauthorized(mnsTopicOwners.configured()
                        ? "the notification's TopicOwner is not an allowed Aliyun account"
                        : "no Aliyun account may push: the operator has not configured the allowed TopicOwner accounts");
            }
            Optional<ProviderEvent> parsed = AliyunDmNotification.parse(envelope.get(), event, now,
                    digest(envelope.get().message()));
            return ResponseEntity.ok(record("aliyun-dm", "ALIYUN_DM", List.of(parsed)));
        }
        String raw = new String(bytes, StandardCharsets.UTF_8);
        WebhookSignature.Verdict verdict = WebhookSignature.check(aliyunSecret,
                request.getHeader(WebhookSignature.TIMESTAMP), request.getHeader(WebhookSignature.SIGNATURE), raw,
                now, maxSkew);
        if (verdict != WebhookSignature.Verdict.VALID) {
            log.info("aliyun-dm webhook refused: {}", verdict);
            return unauthorized(switch (verdict) {
                case UNSIGNED -> "the call carries neither an MNS signature nor a shared-secret signature";
                case BAD_SIGNATURE -> "the signature does not match the body";
                default -> "the timestamp is more than " + maxSkew.toMinutes() + " minutes from now";
            });
        }
        return recordItems(raw, "aliyun-dm", "ALIYUN_DM", item -> AliyunDmNotification.parse(
                new AliyunDmNotification.Envelope(null, null, null, item.toString()), event, now,
                ProviderEvent.firstNonNull(ProviderEvent.text(item, "event_id", "eventId"), digest(item.toString()))));
    }

    /** A JSON body of one event or an array of them, each parsed by {@code parse}, recorded; 400 when empty. */
    private ResponseEntity<?> recordItems(String raw, String provider, String providerType,
                                          Function<JsonNode, Optional<ProviderEvent>> parse) {
        List<JsonNode> items = jsonItems(raw);
        if (items.isEmpty()) {
            return badRequest("the body must be an event object or a non-empty array of them");
        }
        return ResponseEntity.ok(record(provider, providerType, items.stream().map(parse).toList()));
    }

    private WebhookResult record(String provider, String providerType, List<Optional<ProviderEvent>> parsed) {
        int recorded = 0;
        int duplicates = 0;
        int unknown = 0;
        int ignored = 0;
        for (Optional<ProviderEvent> event : parsed) {
            if (event.isPresent() && event.get().type() == null) {
                ignored++;
                continue;
            }
            Optional<EngagementEvents.Delivery> delivery = event.flatMap(e -> delivery(providerType, e));
            if (delivery.isEmpty()) {
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
            boolean isNew = events.record(delivery.get(), new EngagementEvents.Event(e.type(), false, e.at(),
                    e.userAgent(), null, truncate(provider + ":" + e.dedupeKey(), 255),
                    json.valueToTree(details).toString(), e.hardBounce()));
            if (isNew) {
                recorded++;
            } else {
                duplicates++;
            }
        }
        count(provider, "recorded", recorded);
        count(provider, "duplicate", duplicates);
        count(provider, "unknown_message", unknown);
        count(provider, "ignored", ignored);
        return new WebhookResult(parsed.size(), recorded, duplicates, unknown, ignored);
    }

    /** Refused calls (bad signature, replay, bad body) show in http.server.requests by uri and status. */
    private void count(String provider, String result, int events) {
        Counter.builder("edm.webhook.events")
                .description("Provider webhook events accepted, by provider and what became of them")
                .tag("provider", provider)
                .tag("result", result)
                .register(meters)
                .increment(events);
    }

    private Optional<EngagementEvents.Delivery> delivery(String providerType, ProviderEvent e) {
        return events.byProviderMessageId(e.messageId())
                .or(() -> events.latestSentVia(providerType, e.recipient(), e.taskHint(),
                        clock.instant().minus(RECIPIENT_FALLBACK_WINDOW)));
    }

    private List<JsonNode> jsonItems(String raw) {
        List<JsonNode> items = new ArrayList<>();
        try {
            JsonNode root = json.readTree(raw);
            if (root != null && root.isArray()) {
                root.forEach(items::add);
            } else if (root != null && root.isObject()) {
                items.add(root);
            }
        } catch (IOException e) {
            return List.of();
        }
        return items.stream().allMatch(JsonNode::isObject) ? items : List.of();
    }

    private static Map<String, String> headers(HttpServletRequest request) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String name : Collections.list(request.getHeaderNames())) {
            headers.put(name.toLowerCase(Locale.ROOT), request.getHeader(name));
        }
        return headers;
    }

    private static ResponseEntity<ProblemDetail> unauthorized(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, detail);
        problem.setTitle("Unauthorized");
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).body(problem);
    }

    private static ResponseEntity<ProblemDetail> badRequest(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, detail);
        problem.setTitle("Bad request");
        return ResponseEntity.badRequest().body(problem);
    }

    private static String digest(String s) {
        return HexFormat.of().formatHex(sha256(s.getBytes(StandardCharsets.UTF_8)));
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String truncate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max);
    }
}
