package org.edm.api.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.w3c.dom.Document;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An Aliyun DirectMail event as MNS pushes it to an HTTP endpoint. The MNS body follows the subscription's
 * NotifyContentFormat: XML ({@code <Notification>} with {@code MessageId}, {@code Message}, {@code MessageTag}),
 * JSON (the same fields) or SIMPLIFIED (the message alone). DirectMail's message is documented as
 * {@code X-Notify-Message-ID=..&env_id=..&msg_id=..&account=..&from=..&rcpt=..&recv_time=..} (not URL-encoded; the
 * asynchronous-notification page); a JSON message (EventBridge's {@code {"type": "dm:Deliver:Succeed",
 * "data": {...}}}, or flat) is read too. {@code env_id} is the EnvId that SingleSendMail returned and the send path
 * stored as the provider message id (the DirectMail FAQ says so). The documented sample names no event type, so the
 * type comes from a field in the message when there is one, else the MNS message tag, else the endpoint path
 * ({@code /webhooks/aliyun-dm/{event}}: one MNS subscription per event type).
 */
final class AliyunDmNotification {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ZoneId DIRECTMAIL_ZONE = ZoneId.of("Asia/Shanghai");
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=\\r\\n]+");
    private static final Pattern PERCENT = Pattern.compile("%[0-9A-Fa-f]{2}");

    /**
     * What MNS delivered: the topic owner (the Aliyun account id; absent in SIMPLIFIED), its message id (unique per
     * published message), tag and the DirectMail message.
     */
    record Envelope(String topicOwner, String mnsMessageId, String tag, String message) {
    }

    private AliyunDmNotification() {
    }

    static Optional<Envelope> envelope(byte[] body) {
        String text = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8).strip();
        if (text.isEmpty()) {
            return Optional.empty();
        }
        if (text.startsWith("<")) {
            return xml(body);
        }
        if (text.startsWith("{")) {
            try {
                JsonNode root = JSON.readTree(text);
                JsonNode message = root.get("Message");
                if (message != null && message.isTextual()) {
                    return Optional.of(new Envelope(ProviderEvent.text(root, "TopicOwner"),
                            ProviderEvent.text(root, "MessageId"),
                            ProviderEvent.text(root, "MessageTag"), decoded(message.asText())));
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new Envelope(null, null, null, decoded(text)));
    }

    private static Optional<Envelope> xml(byte[] body) {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setExpandEntityReferences(false);
            factory.setNamespaceAware(false);
            Document doc = factory.newDocumentBuilder().parse(new ByteArrayInputStream(body));
            String message = child(doc, "Message");
            return message == null ? Optional.empty()
                    : Optional.of(new Envelope(child(doc, "TopicOwner"), child(doc, "MessageId"),
                    child(doc, "MessageTag"), decoded(message)));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static String child(Document doc, String name) {
        NodeList nodes = doc.getDocumentElement().getElementsByTagName(name);
        if (nodes.getLength() == 0) {
            return null;
        }
        Node node = nodes.item(0);
        String text = node.getTextContent();
        return text == null || text.isBlank() ? null : text.strip();
    }

    /** An MNS topic may base64 the message; a readable message is left as it is. */
    private static String decoded(String message) {
        String m = message.strip();
        if (m.startsWith("{") || m.contains("=") && m.contains("&") || !BASE64.matcher(m).matches()) {
            return m;
        }
        try {
            String decoded = new String(Base64.getMimeDecoder().decode(m), StandardCharsets.UTF_8).strip();
            return decoded.startsWith("{") || decoded.contains("env_id=") ? decoded : m;
        } catch (IllegalArgumentException e) {
            return m;
        }
    }

    /** The DirectMail event fields, flattened into one JSON object (form pairs become text fields). */
    static ObjectNode fields(String message) {
        ObjectNode fields = JSON.createObjectNode();
        if (message.startsWith("{")) {
            try {
                JsonNode root = JSON.readTree(message);
                if (root.isObject()) {
                    fields.setAll((ObjectNode) root);
                    if (root.path("data").isObject()) {
                        fields.setAll((ObjectNode) root.get("data"));
                    }
                }
            } catch (IOException ignored) {
                // not JSON after all: nothing readable
            }
            return fields;
        }
        for (String pair : message.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                String value = pair.substring(eq + 1).strip();
                if (PERCENT.matcher(value).find()) {
                    // percent-escapes only: a '+' in an address stays a '+'
                    value = URLDecoder.decode(value.replace("+", "%2B"), StandardCharsets.UTF_8);
                }
                fields.put(pair.substring(0, eq).strip(), value);
            }
        }
        return fields;
    }

    static Optional<ProviderEvent> parse(Envelope envelope, String pathHint, Instant now, String dedupeKey) {
        ObjectNode f = fields(envelope.message());
        String name = ProviderEvent.firstNonNull(ProviderEvent.text(f, "event", "event_type", "eventType", "EventType", "type"),
                envelope.tag(), pathHint);
        ProviderEvent.Mapping mapping = ProviderEvent.map(name);
        if (mapping == null) {
            return Optional.empty();
        }
        boolean hard = mapping.hardBounce();
        String code = ProviderEvent.text(f, "err_code", "errCode", "status_code", "statusCode");
        if (hard && code != null && code.startsWith("4")) {
            // a temporary SMTP failure (4xx) is a soft bounce: recorded, no suppression
            hard = false;
        }
        return Optional.of(new ProviderEvent(name.toLowerCase(Locale.ROOT), mapping.type(), hard,
                ProviderEvent.text(f, "env_id", "envId", "EnvId", "bizId"),
                ProviderEvent.text(f, "rcpt", "rcptTo", "toAddress", "ToAddress", "to"),
                ProviderEvent.number(ProviderEvent.text(f, "edm_task_id")),
                envelope.mnsMessageId() != null ? "mns:" + envelope.mnsMessageId() : dedupeKey,
                ProviderEvent.firstNonNull(time(ProviderEvent.text(f, "recv_time", "deliver_time", "time", "timestamp",
                        "eventTime")), now),
                ProviderEvent.text(f, "url", "link"),
                ProviderEvent.text(f, "user_agent", "userAgent", "ua")));
    }

    /** DirectMail writes local time ({@code 2017-03-29 14:22:41}, China time); epochs and ISO-8601 also pass. */
    private static Instant time(String value) {
        if (value == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(value, LOCAL).atZone(DIRECTMAIL_ZONE).toInstant();
        } catch (DateTimeParseException e) {
            return ProviderEvent.epoch(value);
        }
    }
}
