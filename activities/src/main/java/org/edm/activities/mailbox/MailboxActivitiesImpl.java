package org.edm.activities.mailbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import jakarta.mail.Flags;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.search.FlagTerm;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.sender.ProviderSettings;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.domain.tracking.EventType;
import org.edm.workflows.mailbox.MailboxActivities;
import org.edm.workflows.mailbox.MailboxPollResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * Reads each SMTP service's IMAP mailbox (settings {@code "imap": {"host", "port", "ssl", "username", "folder"}};
 * the password is the secret's {@code imap_password}, else its SMTP {@code password}). Unread messages are
 * classified ({@link InboundMail}). A DSN becomes a BOUNCE — a hard one suppressing the address — only of a delivery
 * it proves to be about: the original Message-ID it quotes is one we stored ({@code deliveries.message_id}), or it
 * was delivered to that delivery's signed return path ({@link ReturnPaths}). Anything else is ignored: anyone can
 * mail a DSN naming any recipient, and matching by the failed recipient's address (as this once did) let a forged
 * one suppress anybody. A reply becomes a REPLY of the delivery named in In-Reply-To/References or by the return
 * path it was sent to (fallback: the latest delivery this service sent to the sender, which can be forged too, but
 * a reply only labels, it never suppresses). Each message is marked seen once handled, and recorded under its own
 * Message-ID, so a retry or a message read twice is recorded once.
 */
@Component("mailboxActivities")
public class MailboxActivitiesImpl implements MailboxActivities {

    private static final Logger log = LoggerFactory.getLogger(MailboxActivitiesImpl.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_MESSAGES_PER_POLL = 200;

    private final NamedParameterJdbcTemplate jdbc;
    private final SecretBox secrets;
    private final EngagementEvents events;
    private final ReturnPaths returnPaths;
    private final Clock clock;

    public MailboxActivitiesImpl(NamedParameterJdbcTemplate jdbc, SecretBox secrets, EngagementEvents events,
                                 ReturnPaths returnPaths, Clock clock) {
        this.jdbc = jdbc;
        this.secrets = secrets;
        this.events = events;
        this.returnPaths = returnPaths;
        this.clock = clock;
    }

    @Override
    public List<Long> listServicesWithMailbox() {
        return jdbc.queryForList("""
                SELECT id FROM sender_services
                 WHERE provider = 'SMTP' AND enabled AND jsonb_typeof(settings -> 'imap') = 'object'
                 ORDER BY id""", Map.of(), Long.class);
    }

    @Override
    public MailboxPollResult pollMailbox(long senderServiceId) {
        List<Map<String, Object>> rows = jdbc.queryForList("""
                SELECT settings::text AS settings, secret_ciphertext FROM sender_services WHERE id = :id""",
                Map.of("id", senderServiceId));
        if (rows.isEmpty()) {
            return new MailboxPollResult(senderServiceId, 0, 0, 0, 0);
        }
        ProviderSettings.Smtp settings = ProviderSettings.Smtp.read((String) rows.get(0).get("settings"));
        ProviderSettings.Imap imap = settings.imap();
        if (imap == null || imap.host() == null) {
            return new MailboxPollResult(senderServiceId, 0, 0, 0, 0);
        }
        byte[] sealed = (byte[]) rows.get(0).get("secret_ciphertext");
        JsonNode secret = sealed == null || sealed.length == 0 ? JSON.createObjectNode()
                : readJson(secrets.open(sealed));
        String password = secret.path("imap_password").asText(secret.path("password").asText(""));
        String username = imap.username() != null ? imap.username()
                : settings.username() != null ? settings.username() : "";
        boolean ssl = imap.ssl();
        String protocol = ssl ? "imaps" : "imap";
        Properties props = new Properties();
        props.put("mail.store.protocol", protocol);
        props.put("mail." + protocol + ".connectiontimeout", "10000");
        props.put("mail." + protocol + ".timeout", "30000");
        Session session = Session.getInstance(props);
        int read = 0;
        int replies = 0;
        int bounces = 0;
        int unmatched = 0;
        try (Store store = session.getStore(protocol)) {
            store.connect(imap.host(), imap.port(), username, password);
            Folder folder = store.getFolder(imap.folder());
            folder.open(Folder.READ_WRITE);
            try {
                Message[] unseen = folder.search(new FlagTerm(new Flags(Flags.Flag.SEEN), false));
                for (int i = 0; i < unseen.length && i < MAX_MESSAGES_PER_POLL; i++) {
                    Message message = unseen[i];
                    read++;
                    String kind = handle(senderServiceId, folder, (MimeMessage) message);
                    switch (kind) {
                        case "REPLY" -> replies++;
                        case "BOUNCE" -> bounces++;
                        default -> unmatched++;
                    }
                    message.setFlag(Flags.Flag.SEEN, true);
                    heartbeat(read);
                }
            } finally {
                folder.close(false);
            }
        } catch (MessagingException e) {
            // the mailbox is unreachable or refused us: the next round tries again
            throw ApplicationFailure.newFailure("mailbox of sender service " + senderServiceId + " unreadable: "
                    + e.getClass().getSimpleName() + " " + e.getMessage(), "MailboxUnreadable");
        }
        if (read > 0) {
            log.info("mailbox of service {}: {} read, {} replies, {} bounces, {} unmatched", senderServiceId, read,
                    replies, bounces, unmatched);
        }
        return new MailboxPollResult(senderServiceId, read, replies, bounces, unmatched);
    }

    /** @return REPLY, BOUNCE or OTHER (unmatched or not ours) */
    String handle(long senderServiceId, Folder folder, MimeMessage message) throws MessagingException {
        InboundMail mail;
        try {
            mail = InboundMail.parse(message);
        } catch (IOException | MessagingException | ClassCastException e) {
            log.info("mailbox of service {}: unreadable message skipped ({})", senderServiceId, e.getClass().getSimpleName());
            return "OTHER";
        }
        String externalId = "imap:" + senderServiceId + ":" + (mail.messageId() != null ? mail.messageId()
                : folder instanceof UIDFolder uid ? uid.getUIDValidity() + "/" + uid.getUID(message) : null);
        if (externalId.length() > 255) {
            externalId = externalId.substring(0, 255);
        }
        Instant now = clock.instant();
        if (mail.kind() == InboundMail.Kind.BOUNCE) {
            Optional<EngagementEvents.Delivery> delivery = byMessageIds(mail.referencedMessageIds())
                    .or(() -> byReturnPath(mail.addressedTo()));
            if (delivery.isEmpty()) {
                // no addresses here: they are whatever the sender of this message chose to write
                log.info("mailbox of service {}: a delivery status notification naming none of our messages or "
                        + "return paths was ignored", senderServiceId);
                return "OTHER";
            }
            ObjectNode details = JSON.createObjectNode().put("source", "imap").put("action", mail.action())
                    .put("status", mail.status()).put("hard", mail.hardBounce())
                    .put("diagnostic", mail.diagnostic() == null ? null
                            : mail.diagnostic().substring(0, Math.min(500, mail.diagnostic().length())));
            events.record(delivery.get(), new EngagementEvents.Event(EventType.BOUNCE, false, now, null, null,
                    externalId, details.toString(), mail.hardBounce()));
            return "BOUNCE";
        }
        if (mail.kind() == InboundMail.Kind.REPLY) {
            Optional<EngagementEvents.Delivery> delivery = byMessageIds(mail.referencedMessageIds())
                    .or(() -> byReturnPath(mail.addressedTo()))
                    .or(() -> latestSentTo(senderServiceId, mail.from()));
            if (delivery.isEmpty()) {
                return "OTHER";
            }
            // an out-of-office answer is recorded but, like a machine open, sets no label
            events.record(delivery.get(), new EngagementEvents.Event(EventType.REPLY, mail.automatic(), now, null,
                    null, externalId, JSON.createObjectNode().put("source", "imap")
                    .put("automatic", mail.automatic()).toString(), false));
            return "REPLY";
        }
        return "OTHER";
    }

    /** The delivery whose stored Message-ID is one of these. */
    private Optional<EngagementEvents.Delivery> byMessageIds(List<String> messageIds) {
        for (String id : messageIds) {
            String token = InboundMail.tokenOf(id);
            if (token != null) {
                Optional<EngagementEvents.Delivery> delivery = events.byTokenAndMessageId(token, id);
                if (delivery.isPresent()) {
                    return delivery;
                }
            }
        }
        return Optional.empty();
    }

    /** The delivery whose signed return path is one of these addresses. */
    private Optional<EngagementEvents.Delivery> byReturnPath(List<String> addresses) {
        for (String address : addresses) {
            String token = returnPaths.tokenOf(address);
            if (token != null) {
                Optional<EngagementEvents.Delivery> delivery = events.byToken(token);
                if (delivery.isPresent()) {
                    return delivery;
                }
            }
        }
        return Optional.empty();
    }

    private Optional<EngagementEvents.Delivery> latestSentTo(long senderServiceId, String address) {
        return address == null ? Optional.empty() : events.latestSentTo(senderServiceId, address);
    }

    private static void heartbeat(int read) {
        try {
            Activity.getExecutionContext().heartbeat(read);
        } catch (IllegalStateException notInAnActivity) {
            // called directly (tests)
        }
    }

    private static JsonNode readJson(String json) {
        try {
            return JSON.readTree(json == null || json.isBlank() ? "{}" : json);
        } catch (IOException e) {
            throw ApplicationFailure.newNonRetryableFailure("sender service settings are not JSON", "BadSettings");
        }
    }
}
