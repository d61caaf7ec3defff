package org.edm.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import org.edm.domain.tracking.EventType;

import java.time.Instant;
import java.util.Locale;

/**
 * One provider event in our terms. {@code type} null: a status the provider reports that we do not track (EngageLab's
 * {@code target}/{@code sent}, an inbound {@code route}); it is acknowledged and not recorded. {@code messageId} is
 * what the send path stored in {@code deliveries.provider_message_id}; {@code recipient} and {@code taskHint} are
 * the fallback when it is missing or unknown. {@code dedupeKey} names the event for idempotency: the provider's
 * event id, else a digest of the raw event, so a redelivered event is recorded once.
 */
record ProviderEvent(String name, EventType type, boolean hardBounce, String messageId, String recipient,
                     Long taskHint, String dedupeKey, Instant at, String url, String userAgent) {

    /** Our event for a provider's event name, shared by both providers' vocabularies; null when unknown. */
    static Mapping map(String name) {
        if (name == null) {
            return null;
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return switch (n) {
            // EngageLab status messages; Aliyun DirectMail MNS (Deliver:*) and EventBridge (dm:*) event types
            case "delivered", "deliver", "delivery", "success", "deliver:sendsuccessfully", "dm:deliver:succeed" ->
                    new Mapping(EventType.DELIVERED, false);
            case "open", "opened", "deliver:open", "dm:trace:open" -> new Mapping(EventType.OPEN, false);
            case "click", "clicked", "deliver:click", "dm:trace:click" -> new Mapping(EventType.CLICK, false);
            case "unsubscribe", "unsubscribed", "report_spam", "spam", "complaint", "complained",
                 "dm:feedback:unsubscribe", "dm:feedback:fblreport" -> new Mapping(EventType.UNSUBSCRIBE, false);
            case "bounce", "bounced", "hard_bounce", "invalid", "invalid_email", "failed", "fail", "dropped",
                 "deliver:sendfailed", "dm:deliver:fail" -> new Mapping(EventType.BOUNCE, true);
            case "soft_bounce", "soft_bounced", "deferred" -> new Mapping(EventType.BOUNCE, false);
            // known, not tracked here: accepted by the provider (we record SEND_SUCCESS when the API accepts),
            // inbound routing (replies come from the IMAP poller), re-subscribe
            case "target", "request", "sent", "route", "dm:feedback:subscribe", "dm:validator:graylistresult" ->
                    new Mapping(null, false);
            default -> null;
        };
    }

    record Mapping(EventType type, boolean hardBounce) {
    }

    static String text(JsonNode node, String... names) {
        if (node == null || !node.isObject()) {
            return null;
        }
        for (String n : names) {
            JsonNode v = node.get(n);
            if (v != null && v.isValueNode() && !v.isNull() && !v.asText().isBlank()) {
                return v.asText().trim();
            }
        }
        return null;
    }

    /** Epoch seconds or milliseconds, as a number or a numeric string; null when absent or unreadable. */
    static Instant epoch(String value) {
        if (value == null) {
            return null;
        }
        try {
            long v = Long.parseLong(value.trim());
            return v > 100_000_000_000L ? Instant.ofEpochMilli(v) : Instant.ofEpochSecond(v);
        } catch (NumberFormatException e) {
            try {
                return Instant.parse(value.trim());
            } catch (RuntimeException notIso) {
                return null;
            }
        }
    }

    static Long number(String value) {
        if (value == null) {
            return null;
        }
        try {
            return Long.valueOf(value.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The first value that is not null (providers name one field several ways). */
    @SafeVarargs
    static <T> T firstNonNull(T... values) {
        for (T v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
