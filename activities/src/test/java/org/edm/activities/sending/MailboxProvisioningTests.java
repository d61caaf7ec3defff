package org.edm.activities.sending;

import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.activities.provider.FakeHttpApi;
import org.edm.activities.provider.FakeHttpApi.Reply;
import org.edm.activities.provider.aliyun.AliyunRpcSignature;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sending.MailboxProvisioningWorkflow;
import org.edm.workflows.sending.MailboxProvisioningWorkflowImpl;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Provisioning a sender mailbox end to end inside the worker: the real workflow (time skipping through its retry
 * backoff) and the real activity, a real PostgreSQL, and a local stand-in for the DirectMail API that checks every
 * request's action, parameters and signature.
 */
class MailboxProvisioningTests {

    private static final String KEY_ID = "LTAI-platform-id";
    private static final String KEY_SECRET = "platform-access-key-secret";

    static ActivitiesHarness harness;
    static JdbcTemplate jdbc;
    static long owner;

    private FakeHttpApi aliyun;
    private TestWorkflowEnvironment env;

    @BeforeAll
    static void database() {
        harness = new ActivitiesHarness();
        jdbc = harness.fixtures.jdbc();
        owner = harness.fixtures.user("mailboxes-" + System.nanoTime());
    }

    @AfterAll
    static void closeDatabase() {
        harness.close();
    }

    @BeforeEach
    void start() throws Exception {
        aliyun = new FakeHttpApi();
        env = TestWorkflowEnvironment.newInstance();
    }

    @AfterEach
    void stop() {
        env.close();
        aliyun.close();
    }

    private void worker(AliyunDmAccountProperties account) {
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(MailboxProvisioningWorkflowImpl.class);
        worker.registerActivitiesImplementations(new MailboxProvisioningActivitiesImpl(harness.jdbc, harness.secrets,
                account));
        env.start();
    }

    private AliyunDmAccountProperties account() {
        return new AliyunDmAccountProperties(KEY_ID, KEY_SECRET, "cn-hangzhou", "127.0.0.1:" + aliyun.port());
    }

    private record Mailbox(long id, String domain, String address) {
    }

    /** A verified domain with one mailbox waiting to be provisioned, as the api leaves them. */
    private Mailbox mailbox() {
        String domain = "m" + UUID.randomUUID().toString().substring(0, 8) + ".example.test";
        long domainId = jdbc.queryForObject("""
                INSERT INTO sending_domains (owner_id, name, status, verification_token, dkim_selector, dkim_public_key,
                                             dkim_private_ciphertext, dkim_key_version, verified_at)
                VALUES (?, ?, 'VERIFIED', 't', 'edm1', 'pub', ?, 1, now()) RETURNING id""", Long.class, owner, domain,
                harness.secrets.seal("private"));
        long id = jdbc.queryForObject("""
                INSERT INTO sender_mailboxes (owner_id, domain_id, local_part, address) VALUES (?, ?, 'service', ?)
                RETURNING id""", Long.class, owner, domainId, "service@" + domain);
        return new Mailbox(id, domain, "service@" + domain);
    }

    private void provision(long mailboxId) {
        env.getWorkflowClient().newWorkflowStub(MailboxProvisioningWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.EDM).setWorkflowId(WorkflowIds.senderMailbox(mailboxId)).build())
                .run(mailboxId);
    }

    /** DirectMail as it answers a first provisioning, unless {@code override} answers the action. */
    private void directMail(String address, Function<String, Reply> override) {
        aliyun.answer(request -> {
            String action = AliyunRpcSignature.parameters(request).get("Action");
            Reply special = override.apply(action);
            if (special != null) {
                return special;
            }
            return switch (action) {
                case "QueryMailAddressByParam" -> Reply.json(200, """
                        {"RequestId":"r3","TotalCount":1,"PageNumber":1,"PageSize":50,"mailAddresses":{"mailAddress":[
                          {"MailAddressId":"4711","AccountName":"%s","AccountStatus":"0","Sendtype":"trigger"}]}}
                        """.formatted(address));
                default -> Reply.json(200, "{\"RequestId\":\"r\"}");
            };
        });
    }

    private Map<String, Object> row(long id) {
        return jdbc.queryForMap("""
                SELECT status, failure_reason, smtp_username, secret_ciphertext, secret_key_version, provider_mailbox_id
                  FROM sender_mailboxes WHERE id = ?""", id);
    }

    @Test
    void registersTheAddressOnlySetsAnSmtpPasswordAndKeepsItOnlySealed() {
        Mailbox m = mailbox();
        directMail(m.address(), action -> null);
        worker(account());

        provision(m.id());

        List<FakeHttpApi.Request> requests = aliyun.requests();
        assertThat(requests).extracting(r -> AliyunRpcSignature.parameters(r).get("Action"))
                .containsExactly("CreateMailAddress", "QueryMailAddressByParam", "ModifyMailAddress");
        for (FakeHttpApi.Request request : requests) {
            Map<String, String> p = AliyunRpcSignature.parameters(request);
            assertThat(request.method()).isEqualTo("POST");
            assertThat(p).containsEntry("Version", "2015-11-23").containsEntry("AccessKeyId", KEY_ID)
                    .containsEntry("SignatureMethod", "HMAC-SHA1").containsEntry("Format", "JSON")
                    .containsKeys("Timestamp", "SignatureNonce");
            assertThat(p.get("Signature")).as(p.get("Action"))
                    .isEqualTo(AliyunRpcSignature.expected("POST", p, KEY_SECRET));
            assertThat(request.query().toString() + request.body()).doesNotContain(KEY_SECRET);
        }
        assertThat(AliyunRpcSignature.parameters(requests.get(0))).containsEntry("AccountName", m.address())
                .containsEntry("Sendtype", "trigger");
        assertThat(AliyunRpcSignature.parameters(requests.get(1))).containsEntry("KeyWord", m.address());
        Map<String, String> modify = AliyunRpcSignature.parameters(requests.get(2));
        assertThat(modify).containsEntry("MailAddressId", "4711");
        String password = modify.get("Password");
        assertThat(password).hasSize(20).containsPattern("[A-Z]").containsPattern("[a-z]").containsPattern("[0-9]");

        Map<String, Object> row = row(m.id());
        assertThat(row).containsEntry("status", "NORMAL").containsEntry("smtp_username", m.address())
                .containsEntry("provider_mailbox_id", "4711").containsEntry("secret_key_version", 1)
                .containsEntry("failure_reason", null);
        byte[] sealed = (byte[]) row.get("secret_ciphertext");
        assertThat(harness.secrets.open(sealed)).isEqualTo(password);
        // nothing in the row, nor anywhere in its text form, holds the password in clear
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(password);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM sender_mailboxes m WHERE id = ? AND m::text LIKE ?",
                Long.class, m.id(), "%" + password + "%")).isZero();
    }

    @Test
    void anAddressDirectMailAlreadyHasIsTakenAsIs() {
        Mailbox m = mailbox();
        directMail(m.address(), action -> switch (action) {
            case "CreateMailAddress" -> Reply.json(400, "{\"RequestId\":\"r\",\"Code\":\"InvalidMailAddress.Repeat\","
                    + "\"Message\":\"The mail address already exists.\"}");
            default -> null;
        });
        worker(account());

        provision(m.id());

        assertThat(row(m.id())).containsEntry("status", "NORMAL");
    }

    @Test
    void aMalformedAddressFailsAtOnceWithAReasonThatSaysWhatToDo() {
        Mailbox m = mailbox();
        directMail(m.address(), action -> "CreateMailAddress".equals(action)
                ? Reply.json(400, "{\"RequestId\":\"r\",\"Code\":\"InvalidMailAddress.Malformed\","
                + "\"Message\":\"The specified mail address is malformed.\"}") : null);
        worker(account());

        provision(m.id());

        Map<String, Object> row = row(m.id());
        assertThat(row).containsEntry("status", "FAILED").containsEntry("secret_ciphertext", null)
                .containsEntry("smtp_username", null);
        assertThat((String) row.get("failure_reason")).contains("InvalidMailAddress.Malformed")
                .contains("choose another local part").doesNotContain(KEY_SECRET);
        assertThat(aliyun.requests()).extracting(r -> AliyunRpcSignature.parameters(r).get("Action"))
                .containsExactly("CreateMailAddress");
    }

    @Test
    void aProviderThatStaysDownIsRetriedThenTheMailboxFails() {
        Mailbox m = mailbox();
        directMail(m.address(), action -> Reply.json(503, "{\"RequestId\":\"r\",\"Code\":\"ServiceUnavailable\","
                + "\"Message\":\"The request has failed due to a temporary failure of the server.\"}"));
        worker(account());

        provision(m.id());

        assertThat(aliyun.requests()).hasSize(5);
        Map<String, Object> row = row(m.id());
        assertThat(row).containsEntry("status", "FAILED").containsEntry("secret_ciphertext", null);
        assertThat((String) row.get("failure_reason")).contains("ServiceUnavailable").contains("try again later");
    }

    @Test
    void withoutAConfiguredAccountTheReasonNamesTheSetting() {
        Mailbox m = mailbox();
        worker(new AliyunDmAccountProperties(null, null, "cn-hangzhou", null));

        provision(m.id());

        assertThat(row(m.id())).containsEntry("status", "FAILED");
        assertThat((String) row(m.id()).get("failure_reason")).contains("EDM_ALIYUN_DM_ACCESS_KEY_ID");
        assertThat(aliyun.requests()).isEmpty();
    }
}
