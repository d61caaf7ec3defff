package org.edm.api.sending;

import com.jayway.jsonpath.JsonPath;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import org.edm.api.ApiTestSupport;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.Test;

import java.security.KeyFactory;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.hasSize;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class SendingDomainApiTests extends ApiTestSupport {

    private static final SecretBox SECRETS = SecretBox.fromBase64Key(TestDatabase.TEST_CREDENTIALS_KEY);

    private static String freshName() {
        return "Mail" + System.nanoTime() + ".Example.COM";
    }

    private long createDomain(String name, org.springframework.test.web.servlet.request.RequestPostProcessor... as)
            throws Exception {
        return idOf(postJson("/v1/domains", "{\"name\": \"" + name + "\"}", as).andExpect(status().isCreated()));
    }

    private List<HistoryEvent> history(String workflowId) {
        return workflowClient.fetchHistory(workflowId).getEvents();
    }

    private long signals(String workflowId, String name) {
        return history(workflowId).stream()
                .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED)
                .filter(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals(name)).count();
    }

    private Map<String, Long> rows() {
        return Map.of("sending_domains", count("sending_domains"), "domain_dns_records", count("domain_dns_records"),
                "sender_mailboxes", count("sender_mailboxes"), "audit_log", count("audit_log"));
    }

    private long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }

    @Test
    void addingADomainAnswersTheRecordsToPublishKeepsTheDkimKeySealedAndStartsItsChecks() throws Exception {
        String name = freshName();
        String lower = name.toLowerCase();
        String json = body(postJson("/v1/domains", "{\"name\": \"" + name + "\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.name").value(lower))
                .andExpect(jsonPath("$.status").value("PENDING"))
                // DirectMail's own records come once the workflow has registered the domain there: said so
                .andExpect(jsonPath("$.provider_registration").value("PENDING"))
                .andExpect(jsonPath("$.records", hasSize(5))));
        long id = ((Number) JsonPath.read(json, "$.id")).longValue();
        assertThat((String) JsonPath.read(json, "$.workflow_id")).isEqualTo("domain-" + id);

        Map<String, Object> row = jdbc.queryForMap("""
                select verification_token, dkim_selector, dkim_public_key, dkim_private_ciphertext, dkim_key_version
                  from sending_domains where id = ?""", id);
        String token = (String) row.get("verification_token");
        String publicKey = (String) row.get("dkim_public_key");
        assertThat(token).hasSizeGreaterThanOrEqualTo(32);

        Map<String, Map<String, Object>> records = new java.util.HashMap<>();
        for (Map<String, Object> r : JsonPath.<List<Map<String, Object>>>read(json, "$.records")) {
            records.put((String) r.get("purpose"), r);
            assertThat(r).containsEntry("status", "PENDING").containsEntry("required", true)
                    .containsEntry("observed_value", null);
        }
        assertThat(records.get("OWNERSHIP")).containsEntry("type", "TXT").containsEntry("host", "_edm-verify." + lower)
                .containsEntry("expected_value", "edm-verify=" + token);
        assertThat(records.get("SPF")).containsEntry("type", "TXT").containsEntry("host", lower)
                .containsEntry("expected_value", "v=spf1 include:spf.dm.aliyun.com ~all");
        assertThat(records.get("DKIM")).containsEntry("type", "TXT").containsEntry("host", "edm1._domainkey." + lower)
                .containsEntry("expected_value", "v=DKIM1; k=rsa; p=" + publicKey);
        assertThat(records.get("DMARC")).containsEntry("host", "_dmarc." + lower)
                .containsEntry("expected_value", "v=DMARC1; p=none");
        assertThat(records.get("MX")).containsEntry("type", "MX").containsEntry("host", "bounce." + lower)
                .containsEntry("expected_value", "mxdm.aliyun.com");

        // the private key is sealed, is never shown, and is the RSA-2048 half of the published public key
        String privateKey = SECRETS.open((byte[]) row.get("dkim_private_ciphertext"));
        assertThat(json).doesNotContain(privateKey).doesNotContain("private");
        KeyFactory rsa = KeyFactory.getInstance("RSA");
        var priv = rsa.generatePrivate(new PKCS8EncodedKeySpec(Base64.getDecoder().decode(privateKey)));
        var pub = rsa.generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(publicKey)));
        assertThat(((RSAPrivateCrtKey) priv).getModulus().bitLength()).isEqualTo(2048);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(priv);
        signer.update("dkim".getBytes());
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(pub);
        verifier.update("dkim".getBytes());
        assertThat(verifier.verify(signature)).isTrue();

        assertThat(history("domain-" + id).get(0).getEventType())
                .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
        getJson("/v1/domains").andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.id == " + id + ")].name").value(org.hamcrest.Matchers.hasItem(lower)));
    }

    @Test
    void badOrDuplicateDomainsAreRefusedAndWriteNothing() throws Exception {
        String name = freshName();
        createDomain(name);
        Map<String, Long> before = rows();
        postJson("/v1/domains", "{\"name\": \"" + name.toUpperCase() + "\"}").andExpectAll(problem(409, "already"));
        postJson("/v1/domains", "{\"name\": \"not a domain\"}").andExpectAll(invalidField("name"));
        postJson("/v1/domains", "{\"name\": \"\"}").andExpectAll(invalidField("name"));
        postJson("/v1/domains", "{}").andExpectAll(invalidField("name"));
        postJson("/v1/domains", "{\"name\": \"x.example.com\", \"dkim\": \"mine\"}").andExpect(status().isBadRequest());
        postJson("/v1/domains", "[").andExpect(status().isBadRequest());
        assertThat(rows()).isEqualTo(before);
    }

    @Test
    void getShowsExpectedAgainstObservedPerRecord() throws Exception {
        long id = createDomain(freshName());
        // what the domain's DNS check writes
        jdbc.update("""
                update domain_dns_records set status = 'MISMATCHED', observed_value = 'v=spf1 include:_spf.google.com ~all',
                       checked_at = now() where domain_id = ? and purpose = 'SPF'""", id);
        jdbc.update("update domain_dns_records set status = 'MISSING', checked_at = now() where domain_id = ? and purpose <> 'SPF'",
                id);
        getJson("/v1/domains/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.records[?(@.purpose == 'SPF')].status").value(org.hamcrest.Matchers.hasItem("MISMATCHED")))
                .andExpect(jsonPath("$.records[?(@.purpose == 'SPF')].observed_value")
                        .value(org.hamcrest.Matchers.hasItem("v=spf1 include:_spf.google.com ~all")))
                .andExpect(jsonPath("$.records[?(@.purpose == 'DKIM')].status").value(org.hamcrest.Matchers.hasItem("MISSING")));
    }

    @Test
    void getShowsDirectMailsOwnRecordsAndItsVerdictOnceTheWorkflowStoredThem() throws Exception {
        long id = createDomain(freshName());
        // what the domain's workflow writes after DescDomain, and after DirectMail's own check refused a record
        jdbc.update("""
                update sending_domains set provider_registration = 'DONE', provider_domain_id = '158910',
                       provider_reason = 'Aliyun DirectMail''s own check has not passed yet' where id = ?""", id);
        jdbc.update("""
                insert into domain_dns_records (domain_id, purpose, type, host, expected_value, required, status,
                                                provider_status, provider_reason)
                values (?, 'PROVIDER_OWNERSHIP', 'TXT', 'aliyundm.x', '0c40d5f1', true, 'MATCHED', 'REFUSED',
                        'publish a TXT record at aliyundm.x')""", id);
        getJson("/v1/domains/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.provider_registration").value("DONE"))
                .andExpect(jsonPath("$.provider_reason").value("Aliyun DirectMail's own check has not passed yet"))
                .andExpect(jsonPath("$.records", hasSize(6)))
                .andExpect(jsonPath("$.records[?(@.purpose == 'PROVIDER_OWNERSHIP')].provider_status")
                        .value(org.hamcrest.Matchers.hasItem("REFUSED")))
                .andExpect(jsonPath("$.records[?(@.purpose == 'PROVIDER_OWNERSHIP')].provider_reason")
                        .value(org.hamcrest.Matchers.hasItem("publish a TXT record at aliyundm.x")))
                .andExpect(jsonPath("$.records[?(@.purpose == 'SPF')].provider_status")
                        .value(org.hamcrest.Matchers.hasItem(org.hamcrest.Matchers.nullValue())))
                // DirectMail's id of the domain is ours to keep
                .andExpect(content().string(org.hamcrest.Matchers.not(org.hamcrest.Matchers.containsString("158910"))));
    }

    @Test
    void verifyChecksNowAndAnExpiredDomainStartsOver() throws Exception {
        long id = createDomain(freshName());
        postJson("/v1/domains/" + id + "/verify", "").andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("PENDING"));
        // the start, and "verify". A signal that arrives while the run's workflow task is in flight is written to the
        // history only when that task completes, so on a loaded machine the second one may show a moment later
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(signals("domain-" + id, "checkNow")).isEqualTo(2));

        jdbc.update("update sending_domains set status = 'EXPIRED' where id = ?", id);
        workflowClient.newUntypedWorkflowStub("domain-" + id).terminate("gave up");
        postJson("/v1/domains/" + id + "/verify", "").andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("PENDING"));
        // a new run of domain-{id}
        assertThat(history("domain-" + id).get(0).getEventType())
                .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
        assertThat(signals("domain-" + id, "checkNow")).isEqualTo(1);
    }

    @Test
    void anotherUsersDomainIsNotFound() throws Exception {
        long other = createOperator("domains-" + System.nanoTime());
        long theirs = createDomain(freshName(), asUser(other));
        jdbc.update("update sending_domains set status = 'VERIFIED' where id = ?", theirs);
        Map<String, Long> before = rows();
        getJson("/v1/domains/" + theirs).andExpectAll(problem(404, "domain " + theirs));
        postJson("/v1/domains/" + theirs + "/verify", "").andExpectAll(problem(404, "domain " + theirs));
        postJson("/v1/domains/" + theirs + "/mailboxes", "{\"local_part\": \"service\"}")
                .andExpectAll(problem(404, "domain " + theirs));
        getJson("/v1/domains/" + theirs + "/mailboxes").andExpectAll(problem(404, "domain " + theirs));
        deleteJson("/v1/domains/" + theirs).andExpectAll(problem(404, "domain " + theirs));
        assertThat(rows()).isEqualTo(before);
        getJson("/v1/domains").andExpect(jsonPath("$[?(@.id == " + theirs + ")]").isEmpty());
    }

    @Test
    void aMailboxNeedsAVerifiedDomainAndStartsProvisioning() throws Exception {
        String name = freshName().toLowerCase();
        long domain = createDomain(name);
        Map<String, Long> before = rows();
        postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"service\"}")
                .andExpectAll(problem(409, "is PENDING"));
        jdbc.update("update sending_domains set status = 'FAILING' where id = ?", domain);
        postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"service\"}")
                .andExpectAll(problem(409, "is FAILING"));
        assertThat(rows()).isEqualTo(before);

        jdbc.update("update sending_domains set status = 'VERIFIED', verified_at = now() where id = ?", domain);
        postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"not valid@\"}")
                .andExpectAll(invalidField("local_part"));
        postJson("/v1/domains/" + domain + "/mailboxes", "{}").andExpectAll(invalidField("local_part"));
        assertThat(rows()).isEqualTo(before);

        String json = body(postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"Service\"}")
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.address").value("service@" + name))
                .andExpect(jsonPath("$.status").value("PROVISIONING"))
                .andExpect(jsonPath("$.has_smtp_credentials").value(false)));
        long mailbox = ((Number) JsonPath.read(json, "$.id")).longValue();
        assertThat(history("sender-mailbox-" + mailbox).get(0).getEventType())
                .isEqualTo(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);

        postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"SERVICE\"}")
                .andExpectAll(problem(409, "exists already"));

        getJson("/v1/domains/" + domain + "/mailboxes").andExpect(status().isOk())
                .andExpect(jsonPath("$[*].id").value(org.hamcrest.Matchers.contains((int) mailbox)));
        getJson("/v1/mailboxes").andExpect(status().isOk())
                .andExpect(jsonPath("$[*].id").value(org.hamcrest.Matchers.hasItem((int) mailbox)));

        // the worker provisioned it: credentials are there, and never shown
        String password = "Sm7pPassw0rdNeverShown";
        jdbc.update("""
                update sender_mailboxes set status = 'NORMAL', smtp_username = address, secret_ciphertext = ?,
                       secret_key_version = 1 where id = ?""", SECRETS.seal(password), mailbox);
        String shown = body(getJson("/v1/mailboxes/" + mailbox).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("NORMAL"))
                .andExpect(jsonPath("$.has_smtp_credentials").value(true)));
        assertThat(shown).doesNotContain(password).doesNotContain("secret").doesNotContain("password");

        long other = createOperator("mailboxes-" + System.nanoTime());
        getJson("/v1/mailboxes/" + mailbox, asUser(other)).andExpectAll(problem(404, "mailbox " + mailbox));
        deleteJson("/v1/mailboxes/" + mailbox, asUser(other)).andExpectAll(problem(404, "mailbox " + mailbox));
        getJson("/v1/mailboxes", asUser(other)).andExpect(jsonPath("$").isEmpty());
    }

    @Test
    void deletingFollowsTheMailboxesLifecycle() throws Exception {
        long domain = createDomain(freshName());
        jdbc.update("update sending_domains set status = 'VERIFIED', verified_at = now() where id = ?", domain);
        long mailbox = idOf(postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"news\"}")
                .andExpect(status().isCreated()));

        deleteJson("/v1/domains/" + domain).andExpectAll(problem(409, "still has sender mailboxes"));
        deleteJson("/v1/mailboxes/" + mailbox).andExpectAll(problem(409, "being provisioned"));

        jdbc.update("update sender_mailboxes set status = 'FAILED', failure_reason = 'refused' where id = ?", mailbox);
        getJson("/v1/mailboxes/" + mailbox).andExpect(jsonPath("$.failure_reason").value("refused"));
        deleteJson("/v1/mailboxes/" + mailbox).andExpect(status().isNoContent());
        getJson("/v1/mailboxes/" + mailbox).andExpectAll(problem(404, "mailbox " + mailbox));

        deleteJson("/v1/domains/" + domain).andExpect(status().isNoContent());
        getJson("/v1/domains/" + domain).andExpectAll(problem(404, "domain " + domain));
        assertThat(count("domain_dns_records where domain_id = " + domain)).isZero();
        // its workflow is told to look once more, and will find the domain gone
        assertThat(signals("domain-" + domain, "checkNow")).isEqualTo(2);
    }
}
