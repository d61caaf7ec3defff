package org.edm.api.send;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.edm.domain.crypto.SecretBox;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.security.MessageDigest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Seed 004 flow 2 and 3 at the api: API keys, POST /api/v1/send's answers, messages, campaigns from the API. */
class ApiSendApiTests extends ApiTestSupport {

    @Autowired
    SecretBox secrets;

    private long dev;
    private String key;
    private String mailbox;

    @BeforeEach
    void developerWithKeyAndMailbox() throws Exception {
        dev = createOperator("dev-" + System.nanoTime());
        grant(dev, 10);
        key = createKey(dev, "ci");
        mailbox = "service@" + "d" + System.nanoTime() + ".example.com";
        addMailbox(dev, mailbox, "NORMAL");
    }

    private void grant(long userId, long amount) {
        jdbc.update("""
                WITH changed AS (UPDATE users SET quota_balance = quota_balance + ? WHERE id = ? RETURNING id, quota_balance)
                INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after, note)
                SELECT id, ?, 'ADMIN_ADJUST', quota_balance, 'test' FROM changed
                """, amount, userId, amount);
    }

    private String createKey(long userId, String name) throws Exception {
        return JsonPath.read(body(postJson("/v1/api-keys", "{\"name\": \"" + name + "\"}", asUser(userId))
                .andExpect(status().isCreated())), "$.secret");
    }

    /** As the domains feature leaves them: a verified domain and a mailbox with sealed SMTP credentials. */
    private long addMailbox(long ownerId, String address, String status) {
        String domain = address.substring(address.indexOf('@') + 1);
        long domainId = jdbc.queryForObject("""
                INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector,
                                             dkim_public_key, dkim_private_ciphertext)
                VALUES (?, ?, 'VERIFIED', 't', 'edm1', 'pk', ?)
                ON CONFLICT (owner_id, lower(name)) DO UPDATE SET updated_at = now() RETURNING id
                """, Long.class, ownerId, domain, secrets.seal("dkim"));
        return jdbc.queryForObject("""
                INSERT INTO sender_mailboxes (owner_id, domain_id, local_part, address, status, smtp_username,
                                              secret_ciphertext, secret_key_version)
                VALUES (?, ?, ?, ?, ?, ?, ?, 1) RETURNING id
                """, Long.class, ownerId, domainId, address.substring(0, address.indexOf('@')), address, status,
                address, secrets.seal("smtp-password"));
    }

    private static RequestPostProcessor bearer(String credential) {
        return as(credential);
    }

    private String sendBody(String to, String extra) {
        return """
                {"to": %s, "subject": "Reset your password", "html": "<p>Hi <a href=\\"https://example.com/r\\">reset</a></p>",
                 "from": "%s"%s}
                """.formatted(to, mailbox, extra == null ? "" : ", " + extra);
    }

    private ResultActions send(String body, RequestPostProcessor... extra) throws Exception {
        var request = post("/api/v1/send").contentType(MediaType.APPLICATION_JSON).content(body);
        for (RequestPostProcessor p : extra) {
            request.with(p);
        }
        return mvc.perform(request);
    }

    /** What a rejected send must leave untouched. */
    private Map<String, Long> written() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : List.of("api_messages", "user_quota_ledger", "campaigns", "api_idempotency_keys",
                "event_log")) {
            counts.put(table, jdbc.queryForObject("select count(*) from " + table, Long.class));
        }
        return counts;
    }

    // ---- API keys

    @Test
    void aKeyIsShownOnceStoredAsAHashListedWithoutItsSecretAndRevokedAtOnce() throws Exception {
        String body = body(postJson("/v1/api-keys", "{\"name\": \"production\"}", asUser(dev))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.secret").value(startsWith("edm_live_"))));
        String secret = JsonPath.read(body, "$.secret");
        long id = ((Number) JsonPath.read(body, "$.id")).longValue();
        assertThat((String) JsonPath.read(body, "$.prefix")).isEqualTo(secret.substring(0, 16));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log a WHERE a::text LIKE '%' || ? || '%'",
                Long.class, secret.substring(16))).as("the secret never reaches the audit log").isZero();
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE entity = 'api_key' AND entity_id = ?",
                Long.class, String.valueOf(id))).isEqualTo(1);
        byte[] stored = jdbc.queryForObject("SELECT key_hash FROM api_keys WHERE id = ?", byte[].class, id);
        assertThat(stored).isEqualTo(MessageDigest.getInstance("SHA-256")
                .digest(secret.getBytes(StandardCharsets.US_ASCII)));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_keys WHERE prefix = ? AND user_id = ?",
                Long.class, secret.substring(0, 16), dev)).isEqualTo(1);

        send(sendBody("\"a@example.com\"", null), bearer(secret)).andExpect(status().isAccepted());

        String list = body(getJson("/v1/api-keys", asUser(dev)).andExpect(status().isOk()));
        assertThat(list).doesNotContain(secret).doesNotContain("\"secret\"");
        assertThat((List<String>) JsonPath.read(list, "$[*].name")).contains("production", "ci");
        assertThat((List<Object>) JsonPath.read(list, "$[?(@.id == " + id + ")].last_used_at")).doesNotContainNull();
        assertThat((List<Object>) JsonPath.read(list, "$[?(@.id == " + id + ")].created_at")).doesNotContainNull();

        deleteJson("/v1/api-keys/" + id, asUser(dev)).andExpect(status().isNoContent());
        Map<String, Long> before = written();
        send(sendBody("\"a@example.com\"", null), bearer(secret))
                .andExpectAll(problem(401, "revoked"));
        assertThat(written()).isEqualTo(before);
    }

    @Test
    void anotherUsersKeyIsNotFound() throws Exception {
        long other = createOperator("other-" + System.nanoTime());
        createKey(other, "theirs");
        long theirs = jdbc.queryForObject("SELECT max(id) FROM api_keys WHERE user_id = ?", Long.class, other);
        getJson("/v1/api-keys/" + theirs, asUser(dev)).andExpect(status().isNotFound());
        deleteJson("/v1/api-keys/" + theirs, asUser(dev)).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("SELECT revoked_at IS NULL FROM api_keys WHERE id = ?", Boolean.class, theirs))
                .isTrue();
    }

    @Test
    void aKeyWorksOnlyOnTheDeveloperApiAndASessionOnlyOutsideIt() throws Exception {
        getJson("/v1/api-keys", bearer(key)).andExpect(status().isUnauthorized());
        send(sendBody("\"a@example.com\"", null), asUser(dev)).andExpectAll(problem(401, "API key"));
    }

    // ---- 401, 402, 400 in the seed's order, nothing written

    @Test
    void withoutAValidKeyTheAnswerIs401AndNothingIsWritten() throws Exception {
        Map<String, Long> before = written();
        send(sendBody("\"a@example.com\"", null), withoutToken()).andExpectAll(problem(401, "API key"));
        send(sendBody("\"a@example.com\"", null), bearer("edm_live_" + "x".repeat(43)))
                .andExpectAll(problem(401, "invalid"));
        send(sendBody("\"a@example.com\"", null), bearer("not-a-key")).andExpectAll(problem(401, "invalid"));

        jdbc.update("UPDATE users SET status = 'PENDING_VERIFICATION' WHERE id = ?", dev);
        send(sendBody("\"a@example.com\"", null), bearer(key)).andExpectAll(problem(401, "not yet verified"));
        jdbc.update("UPDATE users SET status = 'ACTIVE', enabled = FALSE WHERE id = ?", dev);
        send(sendBody("\"a@example.com\"", null), bearer(key)).andExpectAll(problem(401, "disabled"));
        assertThat(written()).isEqualTo(before);
    }

    @Test
    void noQuotaLeftIs402BeforeAnyOtherCheck() throws Exception {
        long poor = createOperator("poor-" + System.nanoTime());
        grant(poor, 1);
        String poorKey = createKey(poor, "k");
        Map<String, Long> before = written();

        // two recipients, one unit: 402, even though from and subject are wrong too
        send("{\"to\": [\"a@example.com\", \"b@example.com\"], \"from\": \"nobody@nowhere.example\"}",
                bearer(poorKey))
                .andExpectAll(problem(402, "no quota left"))
                .andExpect(jsonPath("$.needed").value(2))
                .andExpect(jsonPath("$.balance").value(1));
        assertThat(written()).isEqualTo(before);
    }

    @Test
    void fromMustBeOneOfTheCallersNormalMailboxes() throws Exception {
        long other = createOperator("other-" + System.nanoTime());
        String theirs = "hello@o" + System.nanoTime() + ".example.com";
        addMailbox(other, theirs, "NORMAL");
        String provisioning = "new@p" + System.nanoTime() + ".example.com";
        addMailbox(dev, provisioning, "PROVISIONING");
        Map<String, Long> before = written();

        for (String from : List.of("someone@unknown.example.com", theirs, provisioning)) {
            send("""
                    {"to": "a@example.com", "subject": "s", "html": "<p>x</p>", "from": "%s"}
                    """.formatted(from), bearer(key))
                    .andExpectAll(invalidField("from"))
                    .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("NORMAL")));
        }
        // from is checked before the other fields: only from is named
        send("{\"to\": \"not-an-address\", \"from\": \"someone@unknown.example.com\"}", bearer(key))
                .andExpectAll(invalidField("from"))
                .andExpect(jsonPath("$.errors[*].field").value(not(hasItems("to[0]"))));
        assertThat(written()).isEqualTo(before);
    }

    @Test
    void eachInvalidFieldIsNamed() throws Exception {
        Map<String, Long> before = written();
        send("""
                {"to": ["a@example.com", "not-an-address"], "from": "%s", "html": "",
                 "campaign_id": "bad id!", "headers": {"Subject": "x", "X-Ok": "fine"}, "tags": ["ok", "bad tag"]}
                """.formatted(mailbox), bearer(key))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.errors[*].field").value(hasItems("to[1]", "subject", "html", "campaign_id",
                        "headers.Subject", "tags[1]")))
                .andExpect(jsonPath("$.errors[*].field").value(not(hasItems("to[0]", "headers.X-Ok", "tags[0]"))));
        send(sendBody("\"a@example.com\"", "\"colour\": \"blue\""), bearer(key)).andExpectAll(invalidField("colour"));
        send("{\"to\": [], \"from\": \"" + mailbox + "\", \"subject\": \"s\", \"html\": \"h\"}", bearer(key))
                .andExpectAll(invalidField("to"));
        assertThat(written()).isEqualTo(before);
    }

    // ---- accepted

    @Test
    void aValidSendIs202WithOneQueuedMessagePerRecipientVisibleOnlyToItsOwner() throws Exception {
        String answer = body(send(sendBody("[\"a@example.com\", \"b@example.com\"]", null), bearer(key))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("queued"))
                .andExpect(jsonPath("$.messages.length()").value(2)));
        String id = JsonPath.read(answer, "$.id");
        assertThat(id).startsWith("msg_").isEqualTo(JsonPath.read(answer, "$.messages[0].id"));

        assertThat(jdbc.queryForList("SELECT status FROM api_messages WHERE owner_id = ?", String.class, dev))
                .containsExactly("QUEUED", "QUEUED");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM user_quota_ledger WHERE user_id = ? AND reason = 'API_SEND'",
                Long.class, dev)).as("charged by the worker when it sends, not here").isZero();

        mvc.perform(get("/api/v1/messages/" + id).with(bearer(key)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("queued"))
                .andExpect(jsonPath("$.to").value("a@example.com"))
                .andExpect(jsonPath("$.from").value(mailbox));

        long other = createOperator("other-" + System.nanoTime());
        mvc.perform(get("/api/v1/messages/" + id).with(bearer(createKey(other, "k"))))
                .andExpect(status().isNotFound());
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyGetsTheFirstAnswerAndADifferentBodyIs422() throws Exception {
        String body = sendBody("\"a@example.com\"", null);
        String first = JsonPath.read(body(send(body, bearer(key), idempotencyKey("order-42"))
                .andExpect(status().isAccepted())), "$.id");
        // the same request in other whitespace
        String again = JsonPath.read(body(send(body.replace(", ", ",   "), bearer(key), idempotencyKey("order-42"))
                .andExpect(status().isAccepted())
                .andExpect(header().string("Idempotent-Replayed", "true"))), "$.id");
        assertThat(again).isEqualTo(first);

        send(sendBody("\"someone-else@example.com\"", null), bearer(key), idempotencyKey("order-42"))
                .andExpectAll(problem(422, "different request body"));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_messages WHERE owner_id = ?", Long.class, dev))
                .isEqualTo(1);
    }

    private static RequestPostProcessor idempotencyKey(String value) {
        return request -> {
            request.addHeader("Idempotency-Key", value);
            return request;
        };
    }

    // ---- campaigns from the API (flow 3)

    @Test
    void anUnknownCampaignIdCreatesOneApiCampaignEvenUnderConcurrentSendsAndAKnownOneIsAttached()
            throws Exception {
        grant(dev, 100);
        String campaignId = "password-reset-v2-" + System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String to = "\"user" + i + "@example.com\"";
                Callable<Integer> call = () -> send(sendBody(to, "\"campaign_id\": \"" + campaignId + "\""),
                        bearer(key)).andReturn().getResponse().getStatus();
                answers.add(pool.submit(call));
            }
            for (Future<Integer> answer : answers) {
                assertThat(answer.get()).isEqualTo(202);
            }
        } finally {
            pool.shutdown();
        }
        List<Map<String, Object>> campaigns = jdbc.queryForList(
                "SELECT id, name, origin FROM campaigns WHERE owner_id = ? AND public_id = ?", dev, campaignId);
        assertThat(campaigns).hasSize(1);
        assertThat(campaigns.get(0)).containsEntry("name", campaignId).containsEntry("origin", "API");
        assertThat(jdbc.queryForObject("SELECT count(*) FROM api_messages WHERE campaign_id = ?", Long.class,
                campaigns.get(0).get("id"))).isEqualTo(16);

        // an operator's campaign with its generated public id: attached, nothing created
        long operatorCampaign = jdbc.queryForObject("""
                INSERT INTO campaigns (owner_id, name, start_time) VALUES (?, 'Black Friday', now()) RETURNING id
                """, Long.class, dev);
        String publicId = jdbc.queryForObject("SELECT public_id FROM campaigns WHERE id = ?", String.class,
                operatorCampaign);
        long campaignsBefore = jdbc.queryForObject("SELECT count(*) FROM campaigns", Long.class);
        String id = JsonPath.read(body(send(sendBody("\"z@example.com\"", "\"campaign_id\": \"" + publicId + "\""),
                bearer(key)).andExpect(status().isAccepted())), "$.id");
        assertThat(jdbc.queryForObject("SELECT campaign_id FROM api_messages WHERE public_id = ?", Long.class, id))
                .isEqualTo(operatorCampaign);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM campaigns", Long.class)).isEqualTo(campaignsBefore);
        mvc.perform(get("/api/v1/messages/" + id).with(bearer(key)))
                .andExpect(jsonPath("$.campaign_id").value(publicId));
    }

    // ---- events

    @Test
    void anOpenOfASentMessageShowsInTheMessageAndInItsCampaignReport() throws Exception {
        String campaignId = "welcome-" + System.nanoTime();
        String id = JsonPath.read(body(send(sendBody("\"a@example.com\"", "\"campaign_id\": \"" + campaignId + "\""),
                bearer(key)).andExpect(status().isAccepted())), "$.id");
        // as the worker leaves it once sent
        jdbc.update("UPDATE api_messages SET status = 'SENT', sent_at = now() - interval '1 hour' WHERE public_id = ?",
                id);
        String token = jdbc.queryForObject("SELECT token FROM api_messages WHERE public_id = ?", String.class, id);

        mvc.perform(get("/track/open/" + token + ".gif").with(withoutToken())
                        .header("User-Agent", "Mozilla/5.0 (Windows NT 10.0) Thunderbird/115"))
                .andExpect(status().isOk());

        mvc.perform(get("/api/v1/messages/" + id).with(bearer(key)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("sent"))
                .andExpect(jsonPath("$.events[*].type").value(hasItems("open")));

        long campaign = jdbc.queryForObject("SELECT id FROM campaigns WHERE public_id = ?", Long.class, campaignId);
        getJson("/v1/campaigns/" + campaign + "/report", asUser(dev))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.api_messages.sent").value(1))
                .andExpect(jsonPath("$.api_messages.opened").value(1))
                .andExpect(jsonPath("$.totals.opened").value(1));
    }

    // ---- the list

    @Test
    void theListShowsTheCallersMessagesNewestFirstFilteredAndPaged() throws Exception {
        String campaignId = "list-" + System.nanoTime();
        send(sendBody("[\"a@example.com\", \"b@example.com\"]", "\"tags\": [\"welcome\"]"), bearer(key))
                .andExpect(status().isAccepted());
        String third = JsonPath.read(body(send(sendBody("\"C@Example.com\"", "\"campaign_id\": \"" + campaignId + "\""),
                bearer(key)).andExpect(status().isAccepted())), "$.id");
        jdbc.update("UPDATE api_messages SET status = 'SENT', sent_at = now() WHERE public_id = ?", third);
        // another developer's message never shows
        long other = createOperator("other-" + System.nanoTime());
        jdbc.update("""
                INSERT INTO api_messages (public_id, request_id, owner_id, from_address, to_address, subject, html_body,
                                          token)
                VALUES ('msg_other' || ?, 'req_other', ?, 'x@o.example.com', 'a@example.com', 's', 'h', 'tok' || ?)
                """, System.nanoTime(), other, System.nanoTime());

        mvc.perform(get("/api/v1/messages").with(bearer(key)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total_items").value(3))
                .andExpect(jsonPath("$.items[0].id").value(third))
                .andExpect(jsonPath("$.items[0].status").value("sent"))
                .andExpect(jsonPath("$.items[0].campaign_id").value(campaignId))
                .andExpect(jsonPath("$.items[0].events").doesNotExist());
        mvc.perform(get("/api/v1/messages?status=queued&tag=welcome").with(bearer(key)))
                .andExpect(jsonPath("$.total_items").value(2))
                .andExpect(jsonPath("$.items[*].to").value(hasItems("a@example.com", "b@example.com")));
        mvc.perform(get("/api/v1/messages?to=c@example.COM").with(bearer(key)))
                .andExpect(jsonPath("$.total_items").value(1))
                .andExpect(jsonPath("$.items[0].id").value(third));
        mvc.perform(get("/api/v1/messages?campaign_id=" + campaignId).with(bearer(key)))
                .andExpect(jsonPath("$.total_items").value(1));
        mvc.perform(get("/api/v1/messages?campaign_id=nobodys").with(bearer(key)))
                .andExpect(jsonPath("$.total_items").value(0));
        mvc.perform(get("/api/v1/messages?size=2&page=1").with(bearer(key)))
                .andExpect(jsonPath("$.items.length()").value(1))
                .andExpect(jsonPath("$.total_pages").value(2));
        mvc.perform(get("/api/v1/messages?from=2999-01-01T00:00:00Z").with(bearer(key)))
                .andExpect(jsonPath("$.total_items").value(0));

        // the console reads the same list with the person's session, and a session cannot use the key's path
        getJson("/v1/messages?status=sent", asUser(dev))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.total_items").value(1))
                .andExpect(jsonPath("$.items[0].id").value(third));
        getJson("/v1/messages/" + third, asUser(dev))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.to").value("C@Example.com"));
        getJson("/v1/messages/" + third, asUser(other)).andExpect(status().isNotFound());
        getJson("/api/v1/messages", asUser(dev)).andExpect(status().isUnauthorized());
        getJson("/v1/messages", bearer(key)).andExpect(status().isUnauthorized());
    }

    @Test
    void badListFiltersAre400AndAnEmptyTimeRangeIsAnEmptyPage() throws Exception {
        mvc.perform(get("/api/v1/messages?status=lost").with(bearer(key))).andExpectAll(invalidField("status"));
        send(sendBody("\"a@example.com\"", null), bearer(key)).andExpect(status().isAccepted());
        mvc.perform(get("/api/v1/messages?from=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z").with(bearer(key)))
                .andExpect(status().isOk()).andExpect(jsonPath("$.total_items").value(0));
        mvc.perform(get("/api/v1/messages?from=yesterday").with(bearer(key))).andExpect(status().isBadRequest());
        mvc.perform(get("/api/v1/messages?size=501").with(bearer(key))).andExpect(status().isBadRequest());
        mvc.perform(get("/api/v1/messages?page=-1").with(bearer(key))).andExpect(status().isBadRequest());
    }
}
