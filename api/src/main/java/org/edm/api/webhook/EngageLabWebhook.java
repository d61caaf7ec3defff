package org.edm.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * EngageLab Email's "email status callback" (engagelab.com/docs/email/webhook/webhook): a JSON POST with headers
 * {@code X-WebHook-Timestamp}, {@code X-WebHook-AppKey} (the fixed value "email") and {@code X-WebHook-Signature}.
 *
 * <p>The documentation gives two recipes for the signature, so both are accepted: the webhook page says hex
 * HMAC-SHA256 of the timestamp keyed with the app key shown in the console; the "Learn about WebHook" page says
 * md5(timestamp + appkey header + app secret). Neither covers the body, so a call captured in flight could be
 * replayed with another body within the time window; the window ({@code edm.webhooks.max-skew}) is what bounds that.
 * Our own contract from before (hex HMAC-SHA256 of timestamp + raw body, same header names) is also accepted: it is
 * what a relay we control should send, because it does cover the body.
 *
 * <p>Bodies: a status message {@code {"message_id", "to", "itime", "status": {"message_status": "delivered",
 * "status_data": {"email_id", ...}}}} or a user-response message (open, click, unsubscribe, report_spam, route)
 * whose event and {@code message_id} (EngageLab's per-recipient email id) may sit at the top or under
 * {@code response_data}/{@code response}. The per-recipient email id is what the send path stored from the send
 * response's {@code email_ids}.
 */
final class EngageLabWebhook {

    static final String TIMESTAMP = "X-WebHook-Timestamp";
    static final String APP_KEY = "X-WebHook-AppKey";
    static final String SIGNATURE = "X-WebHook-Signature";

    enum Verdict { VALID, UNSIGNED, BAD_SIGNATURE, STALE }

    private EngageLabWebhook() {
    }

    static Verdict check(String secret, String timestamp, String appKey, String signature, String body,
                         Instant now, Duration maxSkew) {
        if (secret == null || secret.isBlank() || timestamp == null || signature == null) {
            return Verdict.UNSIGNED;
        }
        String ts = timestamp.trim();
        byte[] given = signature.trim().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8);
        boolean matches = MessageDigest.isEqual(given, ascii(hmacSigned(secret, ts)))
                || MessageDigest.isEqual(given, ascii(md5Signed(secret, ts, appKey)))
                || MessageDigest.isEqual(given, ascii(WebhookSignature.sign(secret, ts, body)));
        if (!matches) {
            return Verdict.BAD_SIGNATURE;
        }
        Instant sent = ProviderEvent.epoch(ts);
        return sent == null || Duration.between(sent, now).abs().compareTo(maxSkew) > 0 ? Verdict.STALE
                : Verdict.VALID;
    }

    /** The webhook page's recipe: hex HMAC-SHA256(app key, timestamp). */
    static String hmacSigned(String secret, String timestamp) {
        return WebhookSignature.hmacHex(secret, timestamp);
    }

    /** The "Learn about WebHook" page's recipe: hex md5(timestamp + X-WebHook-AppKey + app secret). */
    static String md5Signed(String secret, String timestamp, String appKey) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((timestamp + (appKey == null ? "" : appKey.trim()) + secret)
                            .getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** One EngageLab message in our terms; empty when it is not one we can read. */
    static Optional<ProviderEvent> parse(JsonNode item, Instant now, String dedupeKey) {
        JsonNode status = item.get("status");
        if (status != null && status.isObject()) {
            return statusMessage(item, status, now, dedupeKey);
        }
        JsonNode data = item.path("response_data").isObject() ? item.get("response_data") : item;
        JsonNode response = data.path("response").isObject() ? data.get("response") : item.path("response");
        String name = ProviderEvent.firstNonNull(ProviderEvent.text(item, "event", "event_type", "eventType"),
                ProviderEvent.text(response, "event"), ProviderEvent.text(data, "event"),
                ProviderEvent.text(item, "status"));
        ProviderEvent.Mapping mapping = ProviderEvent.map(name);
        if (mapping == null) {
            return Optional.empty();
        }
        String messageId = ProviderEvent.firstNonNull(ProviderEvent.text(data, "email_id", "message_id", "messageId"),
                ProviderEvent.text(item, "email_id", "message_id", "messageId", "env_id", "EnvId", "envId"));
        String recipient = ProviderEvent.firstNonNull(ProviderEvent.text(data, "to", "email", "rcpt"),
                ProviderEvent.text(item, "to", "email", "rcpt"));
        Instant at = ProviderEvent.firstNonNull(ProviderEvent.epoch(ProviderEvent.text(data, "time", "itime", "timestamp")),
                ProviderEvent.epoch(ProviderEvent.text(item, "time", "itime", "timestamp")), now);
        String eventId = ProviderEvent.text(item, "event_id", "eventId");
        return Optional.of(new ProviderEvent(name.toLowerCase(Locale.ROOT), mapping.type(), mapping.hardBounce(),
                messageId, recipient, taskHint(item), eventId != null ? eventId : dedupeKey, at,
                ProviderEvent.firstNonNull(ProviderEvent.text(response, "url", "link"), ProviderEvent.text(item, "url", "link")),
                ProviderEvent.firstNonNull(ProviderEvent.text(response, "user_agent", "ua"),
                        ProviderEvent.text(item, "user_agent", "userAgent", "ua"))));
    }

    private static Optional<ProviderEvent> statusMessage(JsonNode item, JsonNode status, Instant now,
                                                         String dedupeKey) {
        String name = ProviderEvent.text(status, "message_status");
        ProviderEvent.Mapping mapping = ProviderEvent.map(name);
        if (mapping == null) {
            return Optional.empty();
        }
        JsonNode data = status.path("status_data");
        JsonNode ids = data.path("email_ids");
        JsonNode tos = data.path("tos");
        String messageId = ProviderEvent.firstNonNull(ProviderEvent.text(data, "email_id"), ProviderEvent.text(item, "email_id"),
                ids.isArray() && ids.size() == 1 ? ids.get(0).asText() : null,
                ProviderEvent.text(item, "message_id"));
        String recipient = ProviderEvent.firstNonNull(ProviderEvent.text(item, "to"), ProviderEvent.text(data, "to"),
                tos.isArray() && tos.size() == 1 ? tos.get(0).asText() : null);
        Instant at = ProviderEvent.firstNonNull(ProviderEvent.epoch(ProviderEvent.text(item, "itime", "time", "timestamp")), now);
        return Optional.of(new ProviderEvent(name.toLowerCase(Locale.ROOT), mapping.type(), mapping.hardBounce(),
                messageId, recipient, taskHint(item), dedupeKey, at, null, null));
    }

    /** Our task id, when the send put it in {@code custom_args.edm_task_id}. */
    private static Long taskHint(JsonNode item) {
        return ProviderEvent.number(ProviderEvent.text(item.path("custom_args"), "edm_task_id"));
    }
}
