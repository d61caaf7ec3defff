package org.edm.domain.tracking;

import org.edm.domain.contact.AddressSuppression;
import org.edm.domain.task.SendBatches;
import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Writes engagement events (tracking hits, provider webhooks) to {@code event_log} and sets the contact's
 * per-campaign label in the same transaction. Every hit is an event (repeated opens are counted); a label keeps
 * the time it was first set. Machine events are recorded but set no label. Unsubscribes and hard bounces also
 * suppress the address for the sending user (INV-7). Each new event is also queued, in the same transaction, for
 * the owner's outgoing webhooks that subscribed to it.
 */
@Component
public class EngagementEvents {

    private final NamedParameterJdbcTemplate jdbc;
    private final OutgoingEvents outgoing;
    private final AddressSuppression suppression;

    @Autowired
    public EngagementEvents(NamedParameterJdbcTemplate jdbc, OutgoingEvents outgoing, AddressSuppression suppression) {
        this.jdbc = jdbc;
        this.outgoing = outgoing;
        this.suppression = suppression;
    }

    public EngagementEvents(NamedParameterJdbcTemplate jdbc) {
        this(jdbc, new OutgoingEvents(jdbc), new AddressSuppression(jdbc));
    }

    /**
     * The delivery a token or provider message id names, with what events need to know about it. An API message
     * (POST /api/v1/send) is a delivery without a task: {@code messageId} set, {@code id} and {@code taskId} null,
     * {@code campaignId} null unless the send named one, no contact (so it sets no label and suppresses nothing).
     */
    public record Delivery(Long id, Long taskId, Long campaignId, long ownerId, Long contactId,
                           Long senderServiceId, Instant sentAt, Long messageId) {

        public Delivery(long id, long taskId, long campaignId, long ownerId, Long contactId, Long senderServiceId,
                        Instant sentAt) {
            this(id, taskId, campaignId, ownerId, contactId, senderServiceId, sentAt, null);
        }
    }

    /**
     * One event to record; {@code externalId} (a provider's event id) makes a replayed webhook a no-op;
     * {@code detailsJson} is a JSON object or null, and {@code hardBounce} marks a bounce that suppresses.
     */
    public record Event(EventType type, boolean machine, Instant at, String userAgent, String ipPrefix,
                        String externalId, String detailsJson, boolean hardBounce) {
    }

    private static final String DELIVERY = """
            SELECT d.id, d.task_id, t.campaign_id, t.owner_id, d.contact_id, d.sender_service_id, d.sent_at
              FROM deliveries d JOIN tasks t ON t.id = d.task_id
            """;

    private static final String MESSAGE = """
            SELECT m.id, m.campaign_id, m.owner_id, m.sent_at FROM api_messages m
            """;

    /** The delivery or API message whose tracking token this is. */
    public Optional<Delivery> byToken(String token) {
        if (token == null || token.length() > 64) {
            return Optional.empty();
        }
        Optional<Delivery> delivery = one(DELIVERY + " WHERE d.token = :v", token);
        return delivery.isPresent() ? delivery : message(MESSAGE + " WHERE m.token = :v", token);
    }

    /**
     * The delivery with this token whose stored Message-ID ({@code deliveries.message_id}) is exactly
     * {@code <messageId>} (the domain ignoring case): a message that only borrows a token-shaped local part under
     * another domain names none of ours.
     */
    public Optional<Delivery> byTokenAndMessageId(String token, String messageId) {
        if (token == null || token.length() > 64 || messageId == null) {
            return Optional.empty();
        }
        List<Delivery> rows = jdbc.query(DELIVERY + " WHERE d.token = :token AND lower(d.message_id) = lower(:mid)",
                Map.of("token", token, "mid", "<" + messageId + ">"), (rs, i) -> delivery(rs));
        return rows.stream().findFirst();
    }

    public Optional<Delivery> byProviderMessageId(String providerMessageId) {
        if (providerMessageId == null || providerMessageId.isBlank()) {
            return Optional.empty();
        }
        // no index of deliveries holds an outcome column, so that recording the outcome stays a HOT update (V150):
        // a closed batch of a service with provider webhooks named its sends in provider_messages; an open batch
        // (in flight, see SendBatches) is read live
        Optional<Delivery> delivery = one(DELIVERY + """
                 WHERE d.id = greatest(
                         (SELECT max(p.delivery_id) FROM provider_messages p WHERE p.provider_message_id = :v),
                         (SELECT max(o.id) FROM send_batches ob JOIN deliveries o
                             ON\s""" + SendBatches.rowsOf("ob", "o") + """
                           WHERE ob.closed_at IS NULL
                             AND o.provider_message_id = :v AND o.status = 'SENT'))""",
                providerMessageId);
        return delivery.isPresent() ? delivery
                : message(MESSAGE + " WHERE m.provider_message_id = :v ORDER BY m.id DESC LIMIT 1", providerMessageId);
    }

    private Optional<Delivery> message(String sql, String value) {
        return jdbc.query(sql, Map.of("v", value), (rs, i) -> new Delivery(null, null,
                (Long) rs.getObject("campaign_id"), rs.getLong("owner_id"), null, null,
                rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant(),
                rs.getLong("id"))).stream().findFirst();
    }

    /**
     * The latest delivery a service sent to this address (when a bounce or reply names no Message-ID of ours): from
     * the address to its contacts (contacts_lower_email) and their deliveries (deliveries_contact), a few rows per
     * address; no index of deliveries holds status or sent_at.
     */
    public Optional<Delivery> latestSentTo(long senderServiceId, String email) {
        List<Delivery> rows = jdbc.query(DELIVERY + """
                 JOIN contacts c ON c.id = d.contact_id
                WHERE lower(c.email) = lower(:email)
                  AND d.sender_service_id = :service AND d.status = 'SENT'
                ORDER BY d.sent_at DESC, d.id DESC LIMIT 1""",
                Map.of("service", senderServiceId, "email", email), (rs, i) -> delivery(rs));
        return rows.stream().findFirst();
    }

    /**
     * The latest delivery sent through a service of {@code provider} to this address since {@code since}, in
     * {@code taskId} when the event names one: for a provider event whose message id is missing or unknown.
     */
    public Optional<Delivery> latestSentVia(String provider, String email, Long taskId, Instant since) {
        if (email == null || email.isBlank()) {
            return Optional.empty();
        }
        MapSqlParameterSource params = new MapSqlParameterSource()
                .addValue("provider", provider)
                .addValue("email", email.trim())
                .addValue("since", Timestamp.from(since))
                .addValue("task", taskId);
        // from the address to its contacts' deliveries, as in latestSentTo
        List<Delivery> rows = jdbc.query(DELIVERY + """
                 JOIN contacts c ON c.id = d.contact_id
                 JOIN sender_services s ON s.id = d.sender_service_id
                WHERE lower(c.email) = lower(:email)
                  AND s.provider = :provider AND d.status = 'SENT' AND d.sent_at >= :since
                  AND (CAST(:task AS BIGINT) IS NULL OR d.task_id = :task)
                ORDER BY d.sent_at DESC, d.id DESC LIMIT 1""", params, (rs, i) -> delivery(rs));
        return rows.stream().findFirst();
    }

    private static Delivery delivery(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Delivery(rs.getLong("id"), rs.getLong("task_id"), rs.getLong("campaign_id"),
                rs.getLong("owner_id"), (Long) rs.getObject("contact_id"), (Long) rs.getObject("sender_service_id"),
                rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant());
    }

    private Optional<Delivery> one(String sql, String value) {
        List<Delivery> rows = jdbc.query(sql, Map.of("v", value), (rs, i) -> new Delivery(rs.getLong("id"),
                rs.getLong("task_id"), rs.getLong("campaign_id"), rs.getLong("owner_id"),
                (Long) rs.getObject("contact_id"), (Long) rs.getObject("sender_service_id"),
                rs.getTimestamp("sent_at") == null ? null : rs.getTimestamp("sent_at").toInstant()));
        return rows.stream().findFirst();
    }

    /**
     * @return false when an event with the same external id was already recorded (a replay): nothing changed
     */
    @Transactional
    public boolean record(Delivery delivery, Event event) {
        int inserted = jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, sender_service_id, type,
                                       machine, occurred_at, user_agent, ip_prefix, external_id, details, message_id)
                VALUES (:delivery, :task, :campaign, :contact, :service, :type, :machine, :at, :ua, :ip,
                        :external, CAST(:details AS jsonb), :message)
                ON CONFLICT (external_id) WHERE external_id IS NOT NULL DO NOTHING
                """, new MapSqlParameterSource()
                .addValue("delivery", delivery.id())
                .addValue("task", delivery.taskId())
                .addValue("campaign", delivery.campaignId())
                .addValue("contact", delivery.contactId())
                .addValue("service", delivery.senderServiceId())
                .addValue("type", event.type().name())
                .addValue("machine", event.machine())
                .addValue("at", Timestamp.from(event.at()))
                .addValue("ua", truncate(event.userAgent(), 500))
                .addValue("ip", event.ipPrefix())
                .addValue("external", event.externalId())
                .addValue("details", event.detailsJson())
                .addValue("message", delivery.messageId()));
        if (inserted == 0) {
            return false;
        }
        outgoing.publish(delivery.ownerId(), webhookType(event.type()), webhookData(delivery, event));
        if (delivery.contactId() == null || event.machine()
                || (event.type() == EventType.BOUNCE && !event.hardBounce())) {
            // a soft bounce (mailbox full, delayed) is recorded, but the address is not "bounced"
            return true;
        }
        setLabel(delivery, event.type(), event.at());
        if (event.type() == EventType.CLICK) {
            // a click is an open whose pixel was blocked
            setLabel(delivery, EventType.OPEN, event.at());
        }
        if (event.type() == EventType.UNSUBSCRIBE || (event.type() == EventType.BOUNCE && event.hardBounce())) {
            suppress(delivery, event.type() == EventType.UNSUBSCRIBE ? AddressSuppression.UNSUBSCRIBED
                    : AddressSuppression.BOUNCED);
        }
        return true;
    }

    /** Ids and facts only: the operator's endpoint learns what happened to which send, not who the reader is. */
    private static Map<String, Object> webhookData(Delivery delivery, Event event) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("delivery_id", delivery.id());
        data.put("task_id", delivery.taskId());
        data.put("campaign_id", delivery.campaignId());
        data.put("api_message_id", delivery.messageId());
        data.put("sender_service_id", delivery.senderServiceId());
        data.put("occurred_at", event.at().toString());
        data.put("machine", event.machine());
        if (event.type() == EventType.BOUNCE) {
            data.put("hard_bounce", event.hardBounce());
        }
        return data;
    }

    private void setLabel(Delivery delivery, EventType type, Instant at) {
        String column = type.labelColumn();
        if (column == null) {
            return;
        }
        // the column comes from the enum, never from input
        jdbc.update("""
                INSERT INTO campaign_contact_labels (campaign_id, contact_id, %1$s)
                SELECT :campaign, :contact, :at WHERE EXISTS (SELECT 1 FROM contacts WHERE id = :contact)
                ON CONFLICT (campaign_id, contact_id)
                DO UPDATE SET %1$s = coalesce(campaign_contact_labels.%1$s, EXCLUDED.%1$s)
                """.formatted(column), new MapSqlParameterSource()
                .addValue("campaign", delivery.campaignId())
                .addValue("contact", delivery.contactId())
                .addValue("at", Timestamp.from(at)));
    }

    /**
     * The sending user never mails this address again, in any campaign (INV-7), and running tasks stop their
     * deliveries to it that no provider has been handed yet ({@link AddressSuppression}).
     */
    private void suppress(Delivery delivery, String reason) {
        suppression.suppress(delivery.ownerId(), delivery.contactId(), reason);
    }

    private static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max);
    }

    /**
     * The outgoing event an engagement event becomes. Here rather than on {@link WebhookEventType}: tracking publishes
     * to webhooks, webhooks know nothing of tracking.
     */
    static WebhookEventType webhookType(EventType engagement) {
        return switch (engagement) {
            case DELIVERED -> WebhookEventType.MESSAGE_DELIVERED;
            case BOUNCE -> WebhookEventType.MESSAGE_BOUNCED;
            case OPEN -> WebhookEventType.MESSAGE_OPENED;
            case CLICK -> WebhookEventType.MESSAGE_CLICKED;
            case UNSUBSCRIBE -> WebhookEventType.MESSAGE_UNSUBSCRIBED;
            case REPLY -> WebhookEventType.MESSAGE_REPLIED;
        };
    }
}
