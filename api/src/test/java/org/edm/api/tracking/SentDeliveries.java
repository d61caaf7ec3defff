package org.edm.api.tracking;

import org.springframework.jdbc.core.JdbcTemplate;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.UUID;

/**
 * Writes what the send path leaves behind for one sent e-mail (campaign, task, contact, SENT delivery with a
 * token), straight into the database, for the tracking, webhook, report and erase tests of the api.
 */
public final class SentDeliveries {

    private final JdbcTemplate jdbc;

    public SentDeliveries(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public record Sent(long campaignId, long taskId, long contactId, long deliveryId, long templateId,
                       String token, String email) {
    }

    public long campaign(String name) {
        return jdbc.queryForObject("""
                INSERT INTO campaigns (owner_id, name, start_time, status) VALUES (1, ?, now(), 'ACTIVE')
                RETURNING id""", Long.class, name);
    }

    public long task(long campaignId, int seq, long templateSetId) {
        return jdbc.queryForObject("""
                INSERT INTO tasks (campaign_id, owner_id, seq, name, plan_time, status, template_set_id, sender_name)
                VALUES (?, 1, ?, 'task ' || ?, now(), 'SENDING', ?, 'news') RETURNING id""", Long.class,
                campaignId, seq, seq, templateSetId);
    }

    public long template(String name) {
        return jdbc.queryForObject("""
                INSERT INTO templates (owner_id, name, subject, body_html) VALUES (1, ?, 's', '<p>b</p>')
                RETURNING id""", Long.class, name);
    }

    public long templateSet(long... templateIds) {
        long set = jdbc.queryForObject("INSERT INTO template_sets (owner_id, name) VALUES (1, 'ts') RETURNING id",
                Long.class);
        for (long t : templateIds) {
            jdbc.update("INSERT INTO template_set_items (template_set_id, template_id) VALUES (?, ?)", set, t);
        }
        return set;
    }

    public long contact(String email) {
        return jdbc.queryForObject("""
                INSERT INTO contacts (owner_id, email, nickname, tags) VALUES (1, ?, 'Nick ' || ?, '{t}')
                RETURNING id""", Long.class, email, email);
    }

    /**
     * A SENT delivery of {@code taskId} to the contact, sent at {@code sentAt}, with its label, as a closed send batch
     * of its own (SendBatches) of a provider with webhooks (its provider message id in provider_messages).
     */
    public Sent sent(long campaignId, long taskId, long templateId, long contactId, String status, Instant sentAt) {
        String token = UUID.randomUUID().toString().replace("-", "");
        long delivery = jdbc.queryForObject("""
                INSERT INTO deliveries (task_id, contact_id, template_id, status, token, sent_at, message_id,
                                        provider_message_id, claim_token)
                VALUES (?, ?, ?, ?, ?, ?, '<' || ? || '@mail.example>', 'pm-' || ?,
                        CASE WHEN CAST(? AS text) = 'PENDING' THEN NULL
                             WHEN CAST(? AS text) = 'SENT' THEN 'test/' || ? ELSE 'no claim' END)
                RETURNING id""", Long.class,
                taskId, contactId, templateId, status, token, sentAt == null ? null : Timestamp.from(sentAt),
                token, token, status, status, token);
        if ("SENT".equals(status)) {
            jdbc.update("""
                    INSERT INTO send_batches (claim_token, task_id, closed_at, sent, first_sent_at, last_sent_at)
                    VALUES ('test/' || ?, ?, now(), 1, ?, ?)""", token, taskId, Timestamp.from(sentAt),
                    Timestamp.from(sentAt));
            jdbc.update("INSERT INTO provider_messages (delivery_id, provider_message_id) VALUES (?, 'pm-' || ?)",
                    delivery, token);
        }
        String email = jdbc.queryForObject("SELECT email FROM contacts WHERE id = ?", String.class, contactId);
        return new Sent(campaignId, taskId, contactId, delivery, templateId, token, email);
    }

    /** One e-mail sent an hour ago to a new contact in a new campaign. */
    public Sent oneSent(String email) {
        long template = template("tpl");
        long campaign = campaign("c");
        long task = task(campaign, 1, templateSet(template));
        return sent(campaign, task, template, contact(email), "SENT", Instant.now().minusSeconds(3600));
    }
}
