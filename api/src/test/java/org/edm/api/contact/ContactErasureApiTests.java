package org.edm.api.contact;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ContactErasureApiTests extends ApiTestSupport {

    /** Every text, JSON and array column of every table whose value mentions {@code needle}, as table.column. */
    private List<String> columnsMentioning(String needle) {
        List<String> hits = new ArrayList<>();
        for (Map<String, Object> col : jdbc.queryForList("""
                SELECT table_name, column_name FROM information_schema.columns
                 WHERE table_schema = 'public'
                   AND data_type IN ('text', 'character varying', 'jsonb', 'json', 'ARRAY', 'character')""")) {
            String table = (String) col.get("table_name");
            String column = (String) col.get("column_name");
            Long n = jdbc.queryForObject("SELECT count(*) FROM \"" + table + "\" WHERE lower(\"" + column
                    + "\"::text) LIKE ?", Long.class, "%" + needle.toLowerCase() + "%");
            if (n > 0) {
                hits.add(table + "." + column);
            }
        }
        return hits;
    }

    @Test
    void eraseLeavesNoPersonalDataAnywhereCancelsThePendingSendAndKeepsAnAnonymousTombstone() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        String email = "Erase.Me-" + System.nanoTime() + "@Example.test";
        long contact = f.contact(email);
        long template = f.template("tpl");
        long campaign = f.campaign("gdpr");
        long set = f.templateSet(template);
        long finished = f.task(campaign, 1, set);
        long running = f.task(campaign, 2, set);
        SentDeliveries.Sent sent = f.sent(campaign, finished, template, contact, "SENT",
                Instant.now().minusSeconds(3600));
        SentDeliveries.Sent pending = f.sent(campaign, running, template, contact, "PENDING", null);
        jdbc.update("UPDATE deliveries SET error = ? WHERE id = ?", "550 <" + email + "> mailbox full",
                sent.deliveryId());
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, type, user_agent, ip_prefix,
                                       details)
                VALUES (?, ?, ?, ?, 'OPEN', 'Mozilla/5.0 (iPhone)', '203.0.113.0/24',
                        jsonb_build_object('rcpt', ?::text))""",
                sent.deliveryId(), finished, campaign, contact, email);
        jdbc.update("UPDATE campaign_contact_labels SET opened_at = now() WHERE contact_id = ?", contact);
        // another owner's event row about this delivery without the contact link (e.g. a webhook) is covered too
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, type, details)
                VALUES (?, ?, ?, 'BOUNCE', jsonb_build_object('diagnostic', 'unknown user ' || ?::text))""",
                sent.deliveryId(), finished, campaign, email);

        String export = body(getJson("/v1/contacts/" + contact + "/export").andExpect(status().isOk()));
        assertThat(JsonPath.<String>read(export, "$.contact.email")).isEqualTo(email);
        assertThat(JsonPath.<List<Object>>read(export, "$.deliveries")).hasSize(2);
        assertThat(JsonPath.<List<String>>read(export, "$.events[*].type")).contains("SEND_SUCCESS", "OPEN");
        assertThat(JsonPath.<String>read(export, "$.campaign_labels[0].opened_at")).isNotNull();
        assertThat(columnsMentioning(email)).isNotEmpty();

        long balance = jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class);
        deleteJson("/v1/contacts/" + contact).andExpect(status().isOk())
                .andExpect(jsonPath("$.pending_deliveries_cancelled").value(1));
        // the running task held a unit of quota for that delivery; it goes back to the owner through the ledger
        assertThat(jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class))
                .isEqualTo(balance + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE user_id = 1 "
                + "AND reason = 'CANCEL_REFUND' AND delta = 1 AND reference = ?", Long.class, "task:" + running))
                .isEqualTo(1);

        assertThat(columnsMentioning(email)).isEmpty();
        assertThat(columnsMentioning(email.substring(0, email.indexOf('@')))).isEmpty();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM contacts WHERE id = ?", Long.class, contact)).isZero();
        assertThat(jdbc.queryForMap("SELECT status, skip_reason, contact_id FROM deliveries WHERE id = ?",
                pending.deliveryId())).containsEntry("status", "CANCELLED").containsEntry("skip_reason", "ERASED")
                .containsEntry("contact_id", null);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND (contact_id IS "
                + "NOT NULL OR user_agent IS NOT NULL OR ip_prefix IS NOT NULL OR details IS NOT NULL)", Long.class,
                sent.deliveryId())).isZero();
        // reports keep their counts: the rows stay, anonymous
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ?", Long.class,
                sent.deliveryId())).isEqualTo(3);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM campaign_contact_labels WHERE contact_id = ?",
                Long.class, contact)).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM audit_log WHERE action = 'DELETE' AND entity = 'contact' AND entity_id = ?""",
                Long.class, Long.toString(contact))).isEqualTo(1);

        // the address comes back in a later import: the tombstone still matches it, so the materialiser skips it
        postJson("/v1/contacts/import", "[{\"email\": \"" + email.toLowerCase() + "\"}]")
                .andExpect(status().isOk());
        assertThat(jdbc.queryForObject("""
                SELECT s.reason FROM contacts c
                  JOIN suppressions s ON s.owner_id = c.owner_id
                                     AND s.email_hash = sha256(convert_to(lower(c.email), 'UTF8'))
                 WHERE lower(c.email) = lower(?)""", String.class, email)).isEqualTo("ERASED");

        getJson("/v1/contacts/" + contact + "/export").andExpectAll(problem(404, "contact " + contact));
        deleteJson("/v1/contacts/" + contact).andExpectAll(problem(404, "contact " + contact));
    }
}
