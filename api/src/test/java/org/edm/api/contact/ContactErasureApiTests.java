package org.edm.api.contact;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.edm.domain.quota.TaskQuota;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ContactErasureApiTests extends ApiTestSupport {

    @Autowired
    private TaskQuota taskQuota;

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
        jdbc.update("UPDATE tasks SET audience_size = 1 WHERE id = ?", running); // its audience is in: it holds it
        jdbc.update("UPDATE deliveries SET error = ? WHERE id = ?", "550 <" + email + "> mailbox full",
                sent.deliveryId());
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, type, user_agent, ip_prefix,
                                       details)
                VALUES (?, ?, ?, ?, 'OPEN', 'Mozilla/5.0 (iPhone)', '203.0.113.0/24',
                        jsonb_build_object('rcpt', ?::text))""",
                sent.deliveryId(), finished, campaign, contact, email);
        jdbc.update("INSERT INTO campaign_contact_labels (campaign_id, contact_id, opened_at) VALUES (?, ?, now())",
                campaign, contact);
        // another owner's event row about this delivery without the contact link (e.g. a webhook) is covered too
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, type, details)
                VALUES (?, ?, ?, 'BOUNCE', jsonb_build_object('diagnostic', 'unknown user ' || ?::text))""",
                sent.deliveryId(), finished, campaign, email);

        String export = body(getJson("/v1/contacts/" + contact + "/export").andExpect(status().isOk()));
        assertThat(JsonPath.<String>read(export, "$.contact.email")).isEqualTo(email);
        assertThat(JsonPath.<List<Object>>read(export, "$.deliveries")).hasSize(2);
        // the send is its delivery (no event row per mail, issue 12), listed as before: at its sent_at, first
        assertThat(JsonPath.<List<String>>read(export, "$.events[*].type")).containsExactly("SEND_SUCCESS", "OPEN");
        assertThat(JsonPath.<Number>read(export, "$.events[0].delivery_id").longValue()).isEqualTo(sent.deliveryId());
        assertThat(JsonPath.<Number>read(export, "$.events[0].campaign_id").longValue()).isEqualTo(campaign);
        assertThat(JsonPath.<String>read(export, "$.events[0].details.message_id"))
                .isEqualTo("<" + sent.token() + "@mail.example>");
        assertThat(JsonPath.<Boolean>read(export, "$.events[0].machine")).isTrue();
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
        // reports keep their counts: the rows stay, anonymous (the open and the bounce; the send is the delivery)
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ?", Long.class,
                sent.deliveryId())).isEqualTo(2);
        assertThat(jdbc.queryForObject("SELECT status FROM deliveries WHERE id = ?", String.class,
                sent.deliveryId())).isEqualTo("SENT");
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

    /**
     * INV-7 while a send batch holds the contact's delivery: claimed (SENDING) but its group not yet marked
     * attempted, the erase stops it (SKIPPED, ERASED: the batch's lane finds it no longer its own and sends nothing),
     * counts it among the deliveries not sent and gives its unit back (the claim had consumed it). One marked attempted
     * already may have reached the provider: the erase leaves its outcome to the send (at most that one mail).
     */
    @Test
    void eraseStopsADeliveryASendBatchClaimedButHasNotHandedToTheProvider() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        long contact = f.contact("erase-claimed-" + System.nanoTime() + "@example.test");
        long template = f.template("tpl");
        long campaign = f.campaign("claimed");
        long set = f.templateSet(template);
        long claimedTask = f.task(campaign, 1, set);
        long attemptedTask = f.task(campaign, 2, set);
        long claimed = f.sent(campaign, claimedTask, template, contact, "PENDING", null).deliveryId();
        long attempted = f.sent(campaign, attemptedTask, template, contact, "PENDING", null).deliveryId();
        jdbc.update("UPDATE tasks SET audience_size = 1 WHERE id IN (?, ?)", claimedTask, attemptedTask);
        // as a send batch's claim leaves them; the second's group is marked attempted already
        jdbc.update("UPDATE deliveries SET status = 'SENDING', claim_token = 'sender-service-1/run/' || id "
                + "WHERE id IN (?, ?)", claimed, attempted);
        jdbc.update("UPDATE deliveries SET attempted_at = now() WHERE id = ?", attempted);
        long balance = jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class);

        deleteJson("/v1/contacts/" + contact).andExpect(status().isOk())
                .andExpect(jsonPath("$.pending_deliveries_cancelled").value(1));

        assertThat(jdbc.queryForMap("SELECT status, skip_reason, attempted_at, contact_id FROM deliveries WHERE id = ?",
                claimed)).containsEntry("status", "SKIPPED").containsEntry("skip_reason", "ERASED")
                .containsEntry("attempted_at", null).containsEntry("contact_id", null);
        assertThat(jdbc.queryForMap("SELECT status, skip_reason FROM deliveries WHERE id = ?", attempted))
                .containsEntry("status", "SENDING").containsEntry("skip_reason", null);
        assertThat(jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class))
                .isEqualTo(balance + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE user_id = 1 "
                + "AND reason = 'SKIP_REFUND' AND delta = 1 AND reference = ?", Long.class, "task:" + claimedTask))
                .isEqualTo(1);
    }

    /**
     * Erased while the running task's audience is still being inserted: the task holds its reservation, which its
     * start turns into the PENDING deliveries it counts then, the erased one no longer among them. So the erase
     * refunds nothing and the unit comes back once, at the start (before, it came back twice: here and there).
     */
    @Test
    void anEraseWhileTheTaskAudienceIsInsertedRefundsTheUnitOnceAtTheStart() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        long erased = f.contact("erase-early-" + System.nanoTime() + "@example.test");
        long kept = f.contact("kept-early-" + System.nanoTime() + "@example.test");
        long template = f.template("tpl");
        long campaign = f.campaign("early");
        long task = f.task(campaign, 1, f.templateSet(template));
        f.sent(campaign, task, template, erased, "PENDING", null);
        f.sent(campaign, task, template, kept, "PENDING", null);
        jdbc.update("UPDATE tasks SET quota_reserved = 2, audience_size = NULL WHERE id = ?", task);
        long balance = jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class);

        deleteJson("/v1/contacts/" + erased).andExpect(status().isOk())
                .andExpect(jsonPath("$.pending_deliveries_cancelled").value(1));
        assertThat(jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class))
                .as("the reservation still covers it").isEqualTo(balance);

        long pending = jdbc.queryForObject(
                "SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'PENDING'", Long.class, task);
        assertThat(taskQuota.reconcileAtStart(task, 1, pending)).isTrue();
        assertThat(jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class))
                .as("one unit back, once").isEqualTo(balance + 1);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE reference = ? "
                + "AND reason = 'CANCEL_REFUND'", Long.class, "task:" + task)).isZero();
    }

    /** An API message (POST /api/v1/send) as the send path stores it; its id. */
    private long apiMessage(long owner, String to, String status, String subject, String html) {
        String unique = Long.toString(System.nanoTime());
        return jdbc.queryForObject("""
                INSERT INTO api_messages (public_id, request_id, owner_id, from_address, to_address, subject,
                                          html_body, text_body, token, status, error)
                VALUES (?, ?, ?, 'news@sender.test', ?, ?, ?, ?, ?, ?, ?) RETURNING id""", Long.class,
                "msg_" + unique, "req_" + unique, owner, to, subject, html, "Hi " + to, "t" + unique, status,
                status.equals("FAILED") ? "550 <" + to + "> unknown" : null);
    }

    @Test
    void eraseRedactsTheAddressInTheOwnersApiMessagesKeepsTheirCountsAndStopsAQueuedOne() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        String local = "Api.Erase+" + System.nanoTime();
        String email = local + "@Example.test";
        long contact = f.contact(email);
        long owner = jdbc.queryForObject("SELECT owner_id FROM contacts WHERE id = ?", Long.class, contact);
        long other = createOperator("erase-other-" + System.nanoTime());
        // the address as the caller spelt it (case differs), quoted in the subject, the bodies and an error
        long sent = apiMessage(owner, email.toLowerCase(), "SENT", "Hello " + email, "<p>Hi " + email.toUpperCase()
                + "</p>");
        long failed = apiMessage(owner, email, "FAILED", "Welcome", "<p>welcome</p>");
        long queued = apiMessage(owner, email, "QUEUED", "Welcome", "<p>welcome</p>");
        long unrelated = apiMessage(owner, "someone-else@example.test", "SENT", "Hi", "<p>hi</p>");
        long othersMessage = apiMessage(other, email, "SENT", "Hello " + email, "<p>hi</p>");
        jdbc.update("""
                INSERT INTO event_log (message_id, type, user_agent, ip_prefix, details)
                VALUES (?, 'OPEN', 'Mozilla/5.0 (iPhone)', '203.0.113.0/24', jsonb_build_object('rcpt', ?::text))""",
                sent, email);
        long ownersMessages = jdbc.queryForObject("SELECT count(*) FROM api_messages WHERE owner_id = ?",
                Long.class, owner);

        deleteJson("/v1/contacts/" + contact).andExpect(status().isOk())
                .andExpect(jsonPath("$.api_messages_redacted").value(3));

        // nothing of the owner's messages reads the address (nor its local part) any more, in any column
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM api_messages m
                 WHERE m.owner_id = ? AND lower(to_jsonb(m)::text) LIKE ?""", Long.class, owner,
                "%" + local.toLowerCase() + "%")).isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_messages WHERE owner_id = ?", Long.class, owner))
                .isEqualTo(ownersMessages);
        assertThat(jdbc.queryForMap("SELECT status, to_address, subject, html_body FROM api_messages WHERE id = ?",
                sent)).containsEntry("status", "SENT").containsEntry("to_address", ContactErasure.ERASED_ADDRESS)
                .containsEntry("subject", "Hello " + ContactErasure.ERASED_ADDRESS)
                .containsEntry("html_body", "<p>Hi " + ContactErasure.ERASED_ADDRESS + "</p>");
        assertThat(jdbc.queryForMap("SELECT status, error FROM api_messages WHERE id = ?", failed))
                .containsEntry("status", "FAILED")
                .containsEntry("error", "550 <" + ContactErasure.ERASED_ADDRESS + "> unknown");
        // a queued one is never sent to the placeholder: it ends FAILED, uncharged
        assertThat(jdbc.queryForMap("SELECT status, charged, error FROM api_messages WHERE id = ?", queued))
                .containsEntry("status", "FAILED").containsEntry("charged", false)
                .containsEntry("error", "not sent: the recipient was erased");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE message_id = ? AND user_agent IS NULL "
                + "AND ip_prefix IS NULL AND details IS NULL", Long.class, sent)).isEqualTo(1);
        // a message to someone else is not about this contact; another owner's messages are not this erase's
        assertThat(jdbc.queryForObject("SELECT to_address FROM api_messages WHERE id = ?", String.class, unrelated))
                .isEqualTo("someone-else@example.test");
        assertThat(jdbc.queryForObject("SELECT to_address FROM api_messages WHERE id = ?", String.class,
                othersMessage)).isEqualTo(email);
    }

    @Test
    void theAddressIsMatchedLiterallyNotAsAPattern() {
        // '+' and '.' are common in addresses; unescaped they would make "a.b+c@x" match "aXbbbc@x" as well
        assertThat(ContactErasure.literalPattern("a.b+c@x.test")).isEqualTo("a\\.b\\+c\\@x\\.test");
        assertThat(jdbc.queryForObject("SELECT regexp_replace('to aXbbbc@xYtest and A.B+C@X.TEST', ?, 'E', 'gi')",
                String.class, ContactErasure.literalPattern("a.b+c@x.test"))).isEqualTo("to aXbbbc@xYtest and E");
    }
}
