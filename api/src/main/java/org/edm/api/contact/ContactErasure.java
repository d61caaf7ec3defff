package org.edm.api.contact;

import io.swagger.v3.oas.annotations.media.Schema;
import org.edm.api.security.CurrentUser;
import org.edm.domain.contact.AddressSuppression;
import org.edm.api.support.NotFoundException;
import org.springframework.jdbc.core.namedparam.MapSqlParameterSource;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;
import java.util.Map;

/**
 * Data rights (seed 000 §10.4): export everything held about a contact, and erase it everywhere in one
 * transaction. What stays after an erase is anonymous: delivery and event rows keep their counts for reports but
 * lose the contact link and every personal field, and a suppression row holding only the SHA-256 of the
 * lower-cased address (reason ERASED) makes sure the address is never mailed again by this owner (INV-7).
 */
@Service
class ContactErasure {

    private final NamedParameterJdbcTemplate jdbc;
    private final CurrentUser currentUser;
    private final AddressSuppression suppression;

    ContactErasure(NamedParameterJdbcTemplate jdbc, CurrentUser currentUser, AddressSuppression suppression) {
        this.jdbc = jdbc;
        this.currentUser = currentUser;
        this.suppression = suppression;
    }

    /**
     * What placeholder an erased address reads as in the owner's API messages: a reserved domain (RFC 2606) that
     * can never be delivered to, and nothing of the address itself.
     */
    static final String ERASED_ADDRESS = "erased@erased.invalid";

    record Erased(long contactId,
                  @Schema(description = "deliveries to the contact that will not be sent: PENDING ones (now "
                          + "CANCELLED, reason ERASED) and ones a send batch had claimed but not yet handed to a "
                          + "provider (now SKIPPED, reason ERASED); their quota units go back to the owner. A delivery "
                          + "already handed to a provider when the erase commits is not counted: that one mail may "
                          + "still arrive")
                  int pendingDeliveriesCancelled, int deliveriesAnonymised, int eventsAnonymised,
                  @Schema(description = "the owner's transactional messages (POST /api/v1/send) to the address, "
                          + "which keep their rows and counts but no longer show it; queued ones are not sent")
                  int apiMessagesRedacted) {
    }

    @Transactional
    Erased erase(long contactId) {
        MapSqlParameterSource p = new MapSqlParameterSource().addValue("id", contactId)
                .addValue("user", currentUser.id()).addValue("admin", currentUser.isAdmin());
        // lock the row: a concurrent import or claim of this contact waits for the erase to finish
        List<Map<String, Object>> contact = jdbc.queryForList("""
                SELECT owner_id, email FROM contacts WHERE id = :id AND (owner_id = :user OR :admin) FOR UPDATE
                """, p);
        if (contact.isEmpty()) {
            throw NotFoundException.of("contact", contactId);
        }
        p.addValue("owner", contact.get(0).get("owner_id"));
        // first the tombstone, while the address is still here to hash, with it every delivery to the contact not yet
        // handed to a provider stopped: PENDING ones and those a send batch claimed but has not marked attempted
        // (AddressSuppression), so a running task sends it nothing more
        int cancelled = suppression.suppress(((Number) contact.get(0).get("owner_id")).longValue(), contactId,
                AddressSuppression.ERASED).total();
        // the deliveries' ids as an array, not "IN (subquery)": an OR with a subquery cannot use an index and read all
        // of event_log, this is two index scans (event_log_contact, event_log_delivery)
        int events = jdbc.update("""
                UPDATE event_log SET contact_id = NULL, user_agent = NULL, ip_prefix = NULL, details = NULL
                 WHERE contact_id = :id OR delivery_id = ANY (ARRAY(SELECT id FROM deliveries WHERE contact_id = :id))
                """, p);
        // provider errors may quote the address; the rest of a delivery row is not personal
        int deliveries = jdbc.update("""
                UPDATE deliveries SET error = NULL, contact_id = NULL, updated_at = now() WHERE contact_id = :id
                """, p);
        int messages = redactApiMessages(p, (String) contact.get(0).get("email"));
        // labels go with the contact (ON DELETE CASCADE)
        jdbc.update("DELETE FROM contacts WHERE id = :id", p);
        return new Erased(contactId, cancelled, deliveries, events, messages);
    }

    /**
     * The owner's transactional messages to the address (matched ignoring case, as the suppression is) keep their
     * rows, so counts and reports stay, but the address no longer reads in them: {@code to} becomes
     * {@link #ERASED_ADDRESS}, and so does every mention in the subject, the bodies and the error text (a rendered
     * message may greet its recipient by address). Their events lose user agent, IP prefix and details, as a
     * delivery's do. A message still QUEUED is not sent any more: it ends FAILED, uncharged (a queued message holds
     * no quota unit; one already claimed by the send activity finishes as it would have).
     */
    private int redactApiMessages(MapSqlParameterSource p, String email) {
        MapSqlParameterSource q = new MapSqlParameterSource().addValue("owner", p.getValue("owner"))
                .addValue("email", email).addValue("erased", ERASED_ADDRESS)
                .addValue("mention", literalPattern(email));
        List<Long> redacted = jdbc.queryForList("""
                UPDATE api_messages
                   SET to_address = :erased,
                       subject = regexp_replace(subject, :mention, :erased, 'gi'),
                       html_body = regexp_replace(html_body, :mention, :erased, 'gi'),
                       text_body = regexp_replace(text_body, :mention, :erased, 'gi'),
                       error = CASE WHEN status = 'QUEUED' THEN 'not sent: the recipient was erased'
                                    ELSE regexp_replace(error, :mention, :erased, 'gi') END,
                       status = CASE WHEN status = 'QUEUED' THEN 'FAILED' ELSE status END,
                       updated_at = now()
                 WHERE owner_id = :owner AND lower(to_address) = lower(:email)
                RETURNING id
                """, q, Long.class);
        if (!redacted.isEmpty()) {
            jdbc.update("""
                    UPDATE event_log SET user_agent = NULL, ip_prefix = NULL, details = NULL
                     WHERE message_id IN (:ids)
                    """, new MapSqlParameterSource("ids", redacted));
        }
        return redacted.size();
    }

    /** {@code text} as a PostgreSQL regular expression that matches it literally (every non-alphanumeric escaped). */
    static String literalPattern(String text) {
        StringBuilder pattern = new StringBuilder(text.length() * 2);
        text.codePoints().forEach(c -> {
            if (!Character.isLetterOrDigit(c)) {
                pattern.append('\\');
            }
            pattern.appendCodePoint(c);
        });
        return pattern.toString();
    }

    /** Everything held about the contact, as one JSON document built by PostgreSQL. */
    @Transactional(readOnly = true)
    String export(long contactId) {
        List<String> json = jdbc.queryForList("""
                SELECT jsonb_build_object(
                    'contact', jsonb_build_object('id', c.id, 'email', c.email, 'nickname', c.nickname,
                                                  'tags', to_jsonb(c.tags), 'attributes', c.attributes,
                                                  'created_at', c.created_at, 'updated_at', c.updated_at),
                    'suppressed', (SELECT s.reason FROM suppressions s
                                    WHERE s.owner_id = c.owner_id
                                      AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))),
                    'deliveries', coalesce((
                        SELECT jsonb_agg(jsonb_build_object('id', d.id, 'task_id', d.task_id,
                                   'campaign_id', t.campaign_id, 'task_name', t.name, 'template_id', d.template_id,
                                   'status', d.status, 'skip_reason', d.skip_reason, 'sent_at', d.sent_at,
                                   'message_id', d.message_id, 'error', d.error, 'created_at', d.created_at)
                                   ORDER BY d.id)
                          FROM deliveries d JOIN tasks t ON t.id = d.task_id WHERE d.contact_id = c.id), '[]'),
                    'events', coalesce((
                        SELECT jsonb_agg(jsonb_build_object('type', e.type, 'occurred_at', e.occurred_at,
                                   'delivery_id', e.delivery_id, 'campaign_id', e.campaign_id,
                                   'machine', e.machine, 'user_agent', e.user_agent, 'ip_prefix', e.ip_prefix,
                                   'details', e.details) ORDER BY e.occurred_at, e.sent DESC, e.id)
                          FROM (SELECT type, occurred_at, delivery_id, campaign_id, machine, user_agent, ip_prefix,
                                       details, id, FALSE AS sent
                                  FROM event_log WHERE contact_id = c.id
                                UNION ALL
                                -- a campaign send has no event row (issue 12): its delivery is the record
                                SELECT 'SEND_SUCCESS', d.sent_at, d.id, t.campaign_id, TRUE, NULL, NULL,
                                       jsonb_build_object('message_id', d.message_id), d.id, TRUE
                                  FROM deliveries d JOIN tasks t ON t.id = d.task_id
                                 WHERE d.contact_id = c.id AND d.status = 'SENT') e), '[]'),
                    'campaign_labels', coalesce((
                        SELECT jsonb_agg(to_jsonb(l) - 'contact_id' ORDER BY l.campaign_id)
                          FROM campaign_contact_labels l WHERE l.contact_id = c.id), '[]'))::text
                  FROM contacts c
                 WHERE c.id = :id AND (c.owner_id = :user OR :admin)
                """, new MapSqlParameterSource().addValue("id", contactId).addValue("user", currentUser.id())
                .addValue("admin", currentUser.isAdmin()), String.class);
        if (json.isEmpty()) {
            throw NotFoundException.of("contact", contactId);
        }
        return json.get(0);
    }
}
