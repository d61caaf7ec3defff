package org.edm.api.sender;

import com.jayway.jsonpath.JsonPath;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.edm.api.ApiTestSupport;
import org.edm.domain.crypto.SecretBox;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.sender.SenderServiceState;
import org.edm.workflows.sender.SenderServiceWorkflow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

@ExtendWith(OutputCaptureExtension.class)
class SenderServiceApiTests extends ApiTestSupport {

    private static final String PASSWORD = "s3cret-Pa55word";
    private static final String IMAP_PASSWORD = "imap-Pa55word-42";

    @Autowired
    SecretBox secretBox;

    static String smtpService(String name, String extra) {
        return """
                {"name": "%s", "provider": "SMTP", "domain": "Mail.Example.com",
                 "smtp": {"host": "smtp.example.com", "port": 587, "username": "mailer", "password": "%s", "tls": true},
                 "daily_quota": 500, "throttle_seconds": 2.5 %s}
                """.formatted(name, PASSWORD, extra);
    }

    private long create(String name) throws Exception {
        return idOf(postJson("/v1/admin/sender-services", smtpService(name, "")).andExpect(status().isCreated()));
    }

    @Test
    void createSealsThePasswordAndNeverReturnsIt() throws Exception {
        var created = postJson("/v1/admin/sender-services", smtpService("primary", ""))
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", containsString("/v1/admin/sender-services/")))
                .andExpect(jsonPath("$.name").value("primary"))
                .andExpect(jsonPath("$.provider").value("SMTP"))
                .andExpect(jsonPath("$.domain").value("mail.example.com"))
                .andExpect(jsonPath("$.smtp.host").value("smtp.example.com"))
                .andExpect(jsonPath("$.smtp.port").value(587))
                .andExpect(jsonPath("$.smtp.username").value("mailer"))
                .andExpect(jsonPath("$.smtp.tls").value(true))
                .andExpect(jsonPath("$.smtp.password").doesNotExist())
                .andExpect(jsonPath("$.has_password").value(true))
                .andExpect(jsonPath("$.daily_quota").value(500))
                .andExpect(jsonPath("$.throttle_seconds").value(2.5))
                .andExpect(jsonPath("$.reset_time").value("00:00"))
                .andExpect(jsonPath("$.time_zone").value("Asia/Shanghai"))
                .andExpect(jsonPath("$.enabled").value(true))
                .andExpect(jsonPath("$.health_status").value("ACTIVE"))
                .andExpect(jsonPath("$.workflow_id").value(containsString("sender-service-")));
        long id = idOf(created);
        assertNoSecretIn(body(created));

        // at rest: non-secret settings in clear, the password only sealed
        Map<String, Object> row = jdbc.queryForMap(
                "select settings::text as settings, secret_ciphertext, secret_key_version from sender_services where id = ?", id);
        assertThat((String) row.get("settings")).contains("\"host\": \"smtp.example.com\"", "\"port\": 587",
                "\"username\": \"mailer\"", "\"tls\": true").doesNotContain(PASSWORD);
        assertThat(row.get("secret_key_version")).isEqualTo(secretBox.currentVersion());
        byte[] sealed = (byte[]) row.get("secret_ciphertext");
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(PASSWORD);
        assertThat(secretBox.open(sealed)).isEqualTo("{\"password\":\"" + PASSWORD + "\"}");

        // the creating admin may use it at once
        assertThat(jdbc.queryForObject("select count(*) from user_sender_service_access where user_id = 1 "
                + "and sender_service_id = ?", Long.class, id)).isEqualTo(1);

        // no read ever shows it, nor does the audit trail
        assertNoSecretIn(body(getJson("/v1/admin/sender-services/" + id).andExpect(status().isOk())));
        assertNoSecretIn(body(getJson("/v1/admin/sender-services").andExpect(status().isOk())));
        assertNoSecretIn(body(getJson("/v1/admin/users/1/sender-services").andExpect(status().isOk())));
        List<String> audit = jdbc.queryForList("select coalesce(before::text, '') || coalesce(after::text, '') || coalesce(request::text, '') "
                + "from audit_log where entity = 'sender_service' and entity_id = ?", String.class, String.valueOf(id));
        assertThat(audit).isNotEmpty().allSatisfy(image -> assertThat(image).doesNotContain(PASSWORD));
    }

    @Test
    void updateKeepsThePasswordUnlessANewOneIsGiven() throws Exception {
        long id = create("keeps-password");
        byte[] sealedBefore = jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, id);

        putJson("/v1/admin/sender-services/" + id, """
                {"name": "renamed", "provider": "SMTP", "domain": "example.org",
                 "smtp": {"host": "smtp.example.com", "port": 587, "username": "mailer", "tls": true},
                 "daily_quota": 800, "throttle_seconds": 0, "reset_time": "08:30", "time_zone": "Europe/Berlin",
                 "enabled": false}
                """).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("renamed"))
                .andExpect(jsonPath("$.smtp.port").value(587))
                .andExpect(jsonPath("$.has_password").value(true))
                .andExpect(jsonPath("$.reset_time").value("08:30"))
                .andExpect(jsonPath("$.time_zone").value("Europe/Berlin"))
                .andExpect(jsonPath("$.enabled").value(false))
                .andExpect(jsonPath("$.daily_quota").value(800));
        assertThat(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?", byte[].class, id))
                .isEqualTo(sealedBefore);

        String body = body(putJson("/v1/admin/sender-services/" + id, smtpService("renamed", "")
                .replace(PASSWORD, "n3w-password")).andExpect(status().isOk()));
        assertThat(body).doesNotContain("n3w-password");
        assertThat(secretBox.open(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, id))).isEqualTo("{\"password\":\"n3w-password\"}");

        // an empty password removes it: a relay without authentication
        putJson("/v1/admin/sender-services/" + id, """
                {"name": "relay", "provider": "SMTP", "domain": "example.org",
                 "smtp": {"host": "127.0.0.1", "port": 2525, "username": "", "password": "", "tls": false},
                 "daily_quota": 800}
                """).andExpect(status().isOk())
                .andExpect(jsonPath("$.has_password").value(false))
                .andExpect(jsonPath("$.smtp.username").value(org.hamcrest.Matchers.nullValue()));
        assertThat(jdbc.queryForObject("select secret_ciphertext is null from sender_services where id = ?",
                Boolean.class, id)).isTrue();
    }

    @Test
    void updateDoesNotOverwriteTheSendPathsCounters() throws Exception {
        long id = create("counters");
        jdbc.update("update sender_services set used_today = 42, quota_day = current_date, consecutive_failures = 3 "
                + "where id = ?", id);
        putJson("/v1/admin/sender-services/" + id, smtpService("counters", "")).andExpect(status().isOk())
                .andExpect(jsonPath("$.used_today").value(42))
                .andExpect(jsonPath("$.consecutive_failures").value(3));
        assertThat(jdbc.queryForObject("select used_today from sender_services where id = ?", Integer.class, id))
                .isEqualTo(42);

        // lowering the quota below today's usage would break INV-1: refused, nothing changes
        rememberRowCounts();
        putJson("/v1/admin/sender-services/" + id, smtpService("counters", "").replace("500", "10"))
                .andExpectAll(problem(409, "already sent"));
        assertThat(jdbc.queryForObject("select daily_quota from sender_services where id = ?", Integer.class, id))
                .isEqualTo(500);
        assertRowCountsUnchanged();
    }

    @Test
    void updateTellsARunningServiceWorkflowToReload() throws Exception {
        long id = create("signalled");
        String workflowId = WorkflowIds.senderService(id);
        SenderServiceWorkflow running = workflowClient.newWorkflowStub(SenderServiceWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(running::run, SenderServiceState.fresh(id));

        putJson("/v1/admin/sender-services/" + id, smtpService("signalled", "")).andExpect(status().isOk());

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                workflowClient.fetchHistory(workflowId).getEvents().stream()
                        .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
                        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
                .containsExactly("configurationChanged"));
        workflowClient.newUntypedWorkflowStub(workflowId).terminate("test done");
    }

    @Test
    void updateOfAServiceWithoutWorkflowIsFine() throws Exception {
        long id = create("no-workflow");
        putJson("/v1/admin/sender-services/" + id, smtpService("no-workflow", "")).andExpect(status().isOk());
    }

    private static final String ALIYUN_SECRET = "aliyun-Secret-0123456789";
    private static final String ENGAGELAB_KEY = "engagelab-Key-9876543210";

    static String aliyunService(String name, String aliyun) {
        return """
                {"name": "%s", "provider": "ALIYUN_DM", "domain": "dm.example.com", "daily_quota": 200,
                 "aliyun": %s}
                """.formatted(name, aliyun);
    }

    static String engagelabService(String name, String engagelab) {
        return """
                {"name": "%s", "provider": "ENGAGELAB", "domain": "el.example.com", "daily_quota": 300,
                 "engagelab": %s}
                """.formatted(name, engagelab);
    }

    @Test
    void aliyunAndEngageLabCredentialsAreSealedAndNeverReturned(CapturedOutput output) throws Exception {
        var aliyun = postJson("/v1/admin/sender-services", aliyunService("aliyun", """
                {"access_key_id": "LTAI-id-1", "access_key_secret": "%s", "region": "cn-hangzhou",
                 "account_name": "news@dm.example.com"}""".formatted(ALIYUN_SECRET)))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.provider").value("ALIYUN_DM"))
                .andExpect(jsonPath("$.aliyun.access_key_id").value("LTAI-id-1"))
                .andExpect(jsonPath("$.aliyun.region").value("cn-hangzhou"))
                .andExpect(jsonPath("$.aliyun.account_name").value("news@dm.example.com"))
                .andExpect(jsonPath("$.aliyun.access_key_secret").doesNotExist())
                .andExpect(jsonPath("$.smtp").doesNotExist())
                .andExpect(jsonPath("$.engagelab").doesNotExist())
                .andExpect(jsonPath("$.has_secret").value(true));
        long aliyunId = idOf(aliyun);
        assertNoSecretIn(body(aliyun));
        assertThat(secretBox.open(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, aliyunId))).isEqualTo("{\"access_key_secret\":\"" + ALIYUN_SECRET + "\"}");
        assertThat(jdbc.queryForObject("select settings::text from sender_services where id = ?", String.class,
                aliyunId)).contains("\"access_key_id\": \"LTAI-id-1\"").doesNotContain(ALIYUN_SECRET);

        var engagelab = postJson("/v1/admin/sender-services", engagelabService("engagelab", """
                {"api_user": "edm_user", "api_key": "%s"}""".formatted(ENGAGELAB_KEY)))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.engagelab.api_user").value("edm_user"))
                .andExpect(jsonPath("$.engagelab.endpoint").value("https://email.api.engagelab.cc"))
                .andExpect(jsonPath("$.engagelab.api_key").doesNotExist())
                .andExpect(jsonPath("$.has_secret").value(true));
        long engagelabId = idOf(engagelab);
        assertNoSecretIn(body(engagelab));
        assertThat(secretBox.open(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, engagelabId))).isEqualTo("{\"api_key\":\"" + ENGAGELAB_KEY + "\"}");

        // an update without the secret keeps it; a new one replaces it
        putJson("/v1/admin/sender-services/" + engagelabId, engagelabService("engagelab-2", """
                {"api_user": "edm_user", "endpoint": "https://email.api.engagelab.cc/"}"""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("engagelab-2"))
                .andExpect(jsonPath("$.engagelab.endpoint").value("https://email.api.engagelab.cc"))
                .andExpect(jsonPath("$.has_secret").value(true));
        assertThat(secretBox.open(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, engagelabId))).contains(ENGAGELAB_KEY);
        putJson("/v1/admin/sender-services/" + aliyunId, aliyunService("aliyun", """
                {"access_key_id": "LTAI-id-2", "access_key_secret": "rotated-%s"}""".formatted(ALIYUN_SECRET)))
                .andExpect(status().isOk());
        assertThat(secretBox.open(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, aliyunId))).contains("rotated-" + ALIYUN_SECRET);

        // switching provider drops the old credentials: the new provider's secret is required
        putJson("/v1/admin/sender-services/" + aliyunId, engagelabService("switched", """
                {"api_user": "edm_user"}""")).andExpectAll(invalidField("engagelab.api_key"));

        for (String read : List.of("/v1/admin/sender-services/" + aliyunId, "/v1/admin/sender-services/" + engagelabId,
                "/v1/admin/sender-services", "/v1/admin/users/1/sender-services")) {
            assertNoSecretIn(body(getJson(read).andExpect(status().isOk())));
        }
        List<String> audit = jdbc.queryForList("select coalesce(before::text, '') || coalesce(after::text, '') || coalesce(request::text, '') "
                + "from audit_log where entity = 'sender_service'", String.class);
        assertThat(audit).isNotEmpty().allSatisfy(image -> assertThat(image).doesNotContain(ALIYUN_SECRET)
                .doesNotContain(ENGAGELAB_KEY).doesNotContain(PASSWORD));
        assertThat(output.getAll()).doesNotContain(ALIYUN_SECRET).doesNotContain(ENGAGELAB_KEY)
                .doesNotContain(PASSWORD);
    }

    /**
     * A stored secret goes only where it was given for: re-pointing a service (SMTP host, port, username, or TLS
     * turned off; the IMAP mailbox; Aliyun's AccessKey id, region, account or endpoint; EngageLab's endpoint or
     * API user) needs the secret again, so a stolen admin token cannot make the worker hand it to another host.
     */
    @Test
    void rePointingAServiceRequiresItsSecretAgainAndWritesNothingWithoutIt() throws Exception {
        long smtp = create("re-point-smtp");
        String smtpBase = smtpService("re-point-smtp", "").replace("\"password\": \"" + PASSWORD + "\", ", "");
        for (String[] change : new String[][]{
                {"\"host\": \"smtp.example.com\"", "\"host\": \"smtp.attacker.example\""},
                {"\"port\": 587", "\"port\": 2525"},
                {"\"username\": \"mailer\"", "\"username\": \"someone-else\""},
                {"\"tls\": true", "\"tls\": false"}}) {
            assertRefusedWithoutChange(smtp, smtpBase.replace(change[0], change[1]), "smtp.password");
        }
        // with the password again it is the admin's choice; without a change the stored one is kept
        putJson("/v1/admin/sender-services/" + smtp, smtpBase.replace("\"smtp.example.com\"",
                "\"smtp2.example.com\", \"password\": \"again-" + PASSWORD + "\"")).andExpect(status().isOk())
                .andExpect(jsonPath("$.smtp.host").value("smtp2.example.com"));
        assertThat(openSecretOf(smtp).path("password").asText()).isEqualTo("again-" + PASSWORD);
        putJson("/v1/admin/sender-services/" + smtp, smtpBase.replace("\"smtp.example.com\"", "\"SMTP2.example.com\"")
                .replace("\"daily_quota\": 500", "\"daily_quota\": 600")).andExpect(status().isOk());

        // the IMAP mailbox: its own password, or the SMTP one it falls back to, must not follow a new host
        long imap = idOf(postJson("/v1/admin/sender-services", withImap("re-point-imap", """
                , "password": "%s", "imap": {"host": "imap.example.com", "password": "%s"}"""
                .formatted(PASSWORD, IMAP_PASSWORD))).andExpect(status().isCreated()));
        assertRefusedWithoutChange(imap, withImap("re-point-imap", """
                , "imap": {"host": "imap.attacker.example"}"""), "smtp.imap.password");
        assertRefusedWithoutChange(imap, withImap("re-point-imap", """
                , "imap": {"host": "imap.example.com", "port": 143, "ssl": false}"""), "smtp.imap.password");
        assertRefusedWithoutChange(imap, withImap("re-point-imap", """
                , "imap": {"host": "imap.attacker.example", "password": ""}"""), "smtp.imap.password");
        long noMailbox = create("re-point-new-mailbox");
        assertRefusedWithoutChange(noMailbox, withImap("re-point-new-mailbox", """
                , "imap": {"host": "imap.attacker.example"}"""), "smtp.imap.password");
        putJson("/v1/admin/sender-services/" + imap, withImap("re-point-imap", """
                , "imap": {"host": "imap2.example.com", "password": "new-%s"}""".formatted(IMAP_PASSWORD)))
                .andExpect(status().isOk());
        assertThat(openSecretOf(imap).path("imap_password").asText()).isEqualTo("new-" + IMAP_PASSWORD);

        long aliyun = idOf(postJson("/v1/admin/sender-services", aliyunService("re-point-aliyun", """
                {"access_key_id": "LTAI-id-1", "access_key_secret": "%s", "region": "cn-hangzhou",
                 "account_name": "news@dm.example.com"}""".formatted(ALIYUN_SECRET))).andExpect(status().isCreated()));
        for (String aliyunSettings : List.of(
                "{\"access_key_id\": \"LTAI-id-2\", \"region\": \"cn-hangzhou\", \"account_name\": \"news@dm.example.com\"}",
                "{\"access_key_id\": \"LTAI-id-1\", \"region\": \"ap-southeast-1\", \"account_name\": \"news@dm.example.com\"}",
                "{\"access_key_id\": \"LTAI-id-1\", \"region\": \"cn-hangzhou\", \"account_name\": \"x@attacker.example\"}")) {
            assertRefusedWithoutChange(aliyun, aliyunService("re-point-aliyun", aliyunSettings),
                    "aliyun.access_key_secret");
        }
        // an endpoint set in the stored settings (a private gateway) is a destination too
        jdbc.update("update sender_services set settings = settings || '{\"endpoint\": \"127.0.0.1:9\"}' where id = ?",
                aliyun);
        assertRefusedWithoutChange(aliyun, aliyunService("re-point-aliyun", """
                {"access_key_id": "LTAI-id-1", "region": "cn-hangzhou", "account_name": "news@dm.example.com"}"""),
                "aliyun.access_key_secret");

        long engagelab = idOf(postJson("/v1/admin/sender-services", engagelabService("re-point-engagelab", """
                {"api_user": "edm_user", "api_key": "%s"}""".formatted(ENGAGELAB_KEY))).andExpect(status().isCreated()));
        assertRefusedWithoutChange(engagelab, engagelabService("re-point-engagelab", """
                {"api_user": "edm_user", "endpoint": "https://attacker.example"}"""), "engagelab.api_key");
        assertRefusedWithoutChange(engagelab, engagelabService("re-point-engagelab", """
                {"api_user": "someone_else"}"""), "engagelab.api_key");
        putJson("/v1/admin/sender-services/" + engagelab, engagelabService("re-point-engagelab", """
                {"api_user": "edm_user", "endpoint": "https://emailapi-tr.engagelab.com", "api_key": "new-%s"}"""
                .formatted(ENGAGELAB_KEY))).andExpect(status().isOk())
                .andExpect(jsonPath("$.engagelab.endpoint").value("https://emailapi-tr.engagelab.com"));
    }

    private void assertRefusedWithoutChange(long id, String update, String secretField) throws Exception {
        Map<String, Object> before = jdbc.queryForMap(
                "select settings::text as settings, secret_ciphertext from sender_services where id = ?", id);
        rememberRowCounts();
        putJson("/v1/admin/sender-services/" + id, update).andExpectAll(invalidField(secretField));
        assertRowCountsUnchanged();
        Map<String, Object> after = jdbc.queryForMap(
                "select settings::text as settings, secret_ciphertext from sender_services where id = ?", id);
        assertThat(after.get("settings")).isEqualTo(before.get("settings"));
        assertThat((byte[]) after.get("secret_ciphertext")).isEqualTo((byte[]) before.get("secret_ciphertext"));
    }

    @Test
    void providerSettingsAreValidatedByProvider() throws Exception {
        rememberRowCounts();
        postJson("/v1/admin/sender-services", """
                {"name": "aliyun", "provider": "ALIYUN_DM", "domain": "dm.example.com", "daily_quota": 0}
                """).andExpectAll(invalidField("aliyun"));
        postJson("/v1/admin/sender-services", aliyunService("a", "{\"access_key_id\": \"id\"}"))
                .andExpectAll(invalidField("aliyun.access_key_secret"));
        postJson("/v1/admin/sender-services", aliyunService("a", "{\"access_key_secret\": \"s\"}"))
                .andExpectAll(invalidField("aliyun.access_key_id"));
        postJson("/v1/admin/sender-services", aliyunService("a",
                "{\"access_key_id\": \"id\", \"access_key_secret\": \"s\", \"region\": \"Mars 1\"}"))
                .andExpectAll(invalidField("aliyun.region"));
        postJson("/v1/admin/sender-services", aliyunService("a",
                "{\"access_key_id\": \"id\", \"access_key_secret\": \"s\", \"account_name\": \"nope\"}"))
                .andExpectAll(invalidField("aliyun.account_name"));
        postJson("/v1/admin/sender-services", engagelabService("e", "{\"api_key\": \"k\"}"))
                .andExpectAll(invalidField("engagelab.api_user"));
        postJson("/v1/admin/sender-services", engagelabService("e", "{\"api_user\": \"u\"}"))
                .andExpectAll(invalidField("engagelab.api_key"));
        postJson("/v1/admin/sender-services", engagelabService("e",
                "{\"api_user\": \"u\", \"api_key\": \"k\", \"endpoint\": \"ftp://x\"}"))
                .andExpectAll(invalidField("engagelab.endpoint"));
        postJson("/v1/admin/sender-services", engagelabService("e",
                "{\"api_user\": \"u\", \"api_key\": \"k\", \"secret_word\": \"x\"}"))
                .andExpectAll(invalidField("engagelab.secret_word"));
        // another provider's settings object is refused, not silently dropped
        postJson("/v1/admin/sender-services", smtpService("s",
                ", \"engagelab\": {\"api_user\": \"u\", \"api_key\": \"k\"}"))
                .andExpectAll(invalidField("engagelab"));
        assertRowCountsUnchanged();
    }

    @Test
    void liveStateShowsTodaysQuotaAndToleratesAMissingWorkflow() throws Exception {
        long id = create("live");
        String view = body(getJson("/v1/admin/sender-services/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("ACTIVE"))
                .andExpect(jsonPath("$.remaining_today").value(500))
                .andExpect(jsonPath("$.sends_today").value(0))
                .andExpect(jsonPath("$.consecutive_failures").value(0))
                .andExpect(jsonPath("$.next_reset_at").exists())
                .andExpect(jsonPath("$.quota_day_started_at").exists()));
        // no workflow runs for it here: the view says so, or leaves live out, but never fails
        Object live = JsonPath.read(view, "$.live");
        if (live != null) {
            assertThat(JsonPath.<String>read(view, "$.live.workflow_state")).isEqualTo("NOT_RUNNING");
        }
    }

    /**
     * "Sends today" counts the service's SENT deliveries since its quota day started, through its send batches
     * (SendBatches: no index of deliveries holds sent_at, and a SENT delivery has no send event): a closed batch by
     * its count, a batch that straddles the day's start or is still open by its deliveries; not another service's,
     * not yesterday's, not one that was not sent, not an API message's.
     */
    @Test
    void sendsTodayCountsTheServicesDeliveriesSentSinceItsQuotaDayStarted() throws Exception {
        long id = create("sends-today");
        long other = create("sends-today-other");
        batch(id, true, "SENT now()", "SENT now()");
        batch(id, true, "SENT now() - interval '2 days'");
        batch(id, true, "SENT now() - interval '2 days'", "SENT now()");
        batch(id, false, "SENT now()", "SENDING now()", "FAILED now()");
        batch(other, true, "SENT now()");
        batch(other, false, "SENT now()");
        jdbc.update("INSERT INTO event_log (sender_service_id, type, machine, occurred_at) "
                + "VALUES (?, 'SEND_SUCCESS', TRUE, now())", id);

        getJson("/v1/admin/sender-services/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.sends_today").value(4));
    }

    /**
     * A send batch of the service: deliveries given as "STATUS sent_at", the batch open or closed with its final
     * count, as the send path writes them (DeliveryClaims.claim and counts).
     */
    private void batch(long service, boolean closed, String... deliveries) {
        String claim = "test/" + java.util.UUID.randomUUID();
        jdbc.update("INSERT INTO send_batches (claim_token, sender_service_id, task_id) VALUES (?, ?, 0)", claim,
                service);
        for (String d : deliveries) {
            String[] statusAndAt = d.split(" ", 2);
            jdbc.update("INSERT INTO deliveries (task_id, status, token, sender_service_id, sent_at, claim_token) "
                    + "VALUES (0, ?, ?, ?, " + statusAndAt[1] + ", ?)", statusAndAt[0],
                    java.util.UUID.randomUUID().toString(), service, claim);
        }
        if (closed) {
            new org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate(jdbc)
                    .queryForMap(org.edm.domain.task.SendBatches.CLOSE, Map.of("claim", claim));
        }
    }

    @Test
    void adminAdjustsTodaysRemainingQuotaWithinTheDailyQuota() throws Exception {
        long id = create("adjust");
        postJson("/v1/admin/sender-services/" + id + "/quota-adjustments", "{\"remaining_today\": 120}")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.remaining_today").value(120))
                .andExpect(jsonPath("$.used_today").value(380));
        Map<String, Object> row = jdbc.queryForMap("select used_today, daily_quota, quota_day from sender_services "
                + "where id = ?", id);
        assertThat(row.get("used_today")).isEqualTo(380);
        assertThat(row.get("quota_day")).isNotNull();
        postJson("/v1/admin/sender-services/" + id + "/quota-adjustments", "{\"remaining_today\": 500}")
                .andExpect(status().isOk()).andExpect(jsonPath("$.remaining_today").value(500))
                .andExpect(jsonPath("$.used_today").value(0));

        rememberRowCounts();
        postJson("/v1/admin/sender-services/" + id + "/quota-adjustments", "{\"remaining_today\": 501}")
                .andExpectAll(invalidField("remaining_today"));
        postJson("/v1/admin/sender-services/" + id + "/quota-adjustments", "{\"remaining_today\": -1}")
                .andExpectAll(invalidField("remaining_today"));
        postJson("/v1/admin/sender-services/" + id + "/quota-adjustments", "{}")
                .andExpectAll(invalidField("remaining_today"));
        postJson("/v1/admin/sender-services/987654/quota-adjustments", "{\"remaining_today\": 1}")
                .andExpectAll(problem(404, "not found"));
        assertRowCountsUnchanged();
        assertThat(jdbc.queryForObject("select used_today from sender_services where id = ?", Integer.class, id))
                .isZero();
    }

    @Test
    void onlyAnAdminUnfreezesAFrozenService() throws Exception {
        long id = create("frozen");
        jdbc.update("update sender_services set health_status = 'FROZEN', frozen_reason = 'frozen automatically "
                + "after repeated send failures', frozen_at = now(), consecutive_failures = 10, "
                + "last_error = '535 auth failed', last_error_at = now() where id = ?", id);
        jdbc.update("insert into alerts (kind, subject, message) values ('SENDER_SERVICE_FROZEN', ?, 'frozen')",
                "sender-service-" + id);
        getJson("/v1/admin/sender-services/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("FROZEN"))
                .andExpect(jsonPath("$.frozen_reason").value(containsString("repeated send failures")))
                .andExpect(jsonPath("$.consecutive_failures").value(10))
                .andExpect(jsonPath("$.last_error").value("535 auth failed"));

        postJson("/v1/admin/sender-services/" + id + "/unfreeze", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("ACTIVE"))
                .andExpect(jsonPath("$.health_status").value("ACTIVE"))
                .andExpect(jsonPath("$.frozen_reason").doesNotExist())
                .andExpect(jsonPath("$.consecutive_failures").value(0))
                .andExpect(jsonPath("$.last_error").value("535 auth failed"));
        assertThat(jdbc.queryForObject("select count(*) from alerts where subject = ? and resolved_at is null",
                Long.class, "sender-service-" + id)).isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit_log where entity = 'sender_service' "
                + "and entity_id = ? and action = 'UNFREEZE'", Long.class, String.valueOf(id))).isEqualTo(1);
        // unfreezing an active service changes nothing
        postJson("/v1/admin/sender-services/" + id + "/unfreeze", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("ACTIVE"));
        postJson("/v1/admin/sender-services/987654/unfreeze", "").andExpectAll(problem(404, "not found"));
    }

    @Test
    void badInputIsRejectedNamingTheFieldAndWritesNothing() throws Exception {
        rememberRowCounts();
        String valid = smtpService("bad", "");
        postJson("/v1/admin/sender-services", valid.replace("\"daily_quota\": 500", "\"daily_quota\": -1"))
                .andExpectAll(invalidField("daily_quota"));
        postJson("/v1/admin/sender-services", valid.replace("\"throttle_seconds\": 2.5", "\"throttle_seconds\": -0.5"))
                .andExpectAll(invalidField("throttle_seconds"));
        postJson("/v1/admin/sender-services", smtpService("bad", ", \"reset_time\": \"24:00\""))
                .andExpectAll(invalidField("reset_time"));
        postJson("/v1/admin/sender-services", smtpService("bad", ", \"time_zone\": \"Mars/Olympus\""))
                .andExpectAll(invalidField("time_zone"));
        postJson("/v1/admin/sender-services", valid.replace("\"SMTP\"", "\"CARRIER_PIGEON\""))
                .andExpectAll(invalidField("provider"));
        postJson("/v1/admin/sender-services", valid.replace("\"name\": \"bad\",", ""))
                .andExpectAll(invalidField("name"));
        postJson("/v1/admin/sender-services", valid.replace("Mail.Example.com", "not a domain"))
                .andExpectAll(invalidField("domain"));
        postJson("/v1/admin/sender-services", valid.replace("\"port\": 587", "\"port\": 70000"))
                .andExpectAll(invalidField("smtp.port"));
        postJson("/v1/admin/sender-services", """
                {"name": "no smtp", "provider": "SMTP", "domain": "example.com", "daily_quota": 1}
                """).andExpectAll(invalidField("smtp"));
        postJson("/v1/admin/sender-services", smtpService("bad", ", \"dailyQuota\": 5"))
                .andExpectAll(invalidField("dailyQuota"));
        assertRowCountsUnchanged();
    }

    @Test
    void unknownIdsAre404() throws Exception {
        getJson("/v1/admin/sender-services/987654").andExpectAll(problem(404, "sender service 987654 not found"));
        putJson("/v1/admin/sender-services/987654", smtpService("x", ""))
                .andExpectAll(problem(404, "sender service 987654 not found"));
        deleteJson("/v1/admin/sender-services/987654").andExpectAll(problem(404, "not found"));
    }

    @Test
    void deleteRemovesAnUnusedServiceAndItsBindings() throws Exception {
        long id = create("short-lived");
        deleteJson("/v1/admin/sender-services/" + id).andExpect(status().isNoContent());
        getJson("/v1/admin/sender-services/" + id).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("select count(*) from user_sender_service_access where sender_service_id = ?",
                Long.class, id)).isZero();
    }

    @Test
    void adminSetsTheWholeServiceSetOfAUser() throws Exception {
        jdbc.update("insert into users (username, role) values ('op-bindings', 'OPERATOR') on conflict do nothing");
        long userId = jdbc.queryForObject("select id from users where username = 'op-bindings'", Long.class);
        long a = create("bind-a");
        long b = create("bind-b");

        putJson("/v1/admin/users/" + userId + "/sender-services", "{\"service_ids\": [%d, %d]}".formatted(b, a))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$[*].id").value(org.hamcrest.Matchers.contains((int) a, (int) b)));
        putJson("/v1/admin/users/" + userId + "/sender-services", "{\"service_ids\": [%d]}".formatted(b))
                .andExpect(status().isOk());
        String list = body(getJson("/v1/admin/users/" + userId + "/sender-services").andExpect(status().isOk()));
        assertThat(JsonPath.<List<Integer>>read(list, "$[*].id")).containsExactly((int) b);
        assertNoSecretIn(list);

        rememberRowCounts();
        putJson("/v1/admin/users/" + userId + "/sender-services", "{\"service_ids\": [%d, 987654]}".formatted(a))
                .andExpectAll(problem(404, "987654"));
        putJson("/v1/admin/users/987654/sender-services", "{\"service_ids\": []}")
                .andExpectAll(problem(404, "user 987654 not found"));
        putJson("/v1/admin/users/" + userId + "/sender-services", "{}").andExpectAll(invalidField("service_ids"));
        assertRowCountsUnchanged();

        putJson("/v1/admin/users/" + userId + "/sender-services", "{\"service_ids\": []}")
                .andExpect(status().isOk()).andExpect(content().json("[]"));
    }

    private static String withImap(String name, String imap) {
        return """
                {"name": "%s", "provider": "SMTP", "domain": "example.com",
                 "smtp": {"host": "smtp.example.com", "port": 587, "username": "mailer", "tls": true %s},
                 "daily_quota": 500}
                """.formatted(name, imap);
    }

    private com.fasterxml.jackson.databind.JsonNode openSecretOf(long id) throws Exception {
        return new com.fasterxml.jackson.databind.ObjectMapper().readTree(secretBox.open(jdbc.queryForObject(
                "select secret_ciphertext from sender_services where id = ?", byte[].class, id)));
    }

    @Test
    void imapMailboxIsStoredWhereThePollerReadsItAndItsPasswordNeverShows() throws Exception {
        var created = postJson("/v1/admin/sender-services", withImap("with-imap", """
                , "password": "%s", "imap": {"host": "imap.example.com", "username": "replies@example.com",
                   "password": "%s"}""".formatted(PASSWORD, IMAP_PASSWORD)))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.smtp.imap.host").value("imap.example.com"))
                .andExpect(jsonPath("$.smtp.imap.port").value(993))
                .andExpect(jsonPath("$.smtp.imap.ssl").value(true))
                .andExpect(jsonPath("$.smtp.imap.folder").value("INBOX"))
                .andExpect(jsonPath("$.smtp.imap.username").value("replies@example.com"))
                .andExpect(jsonPath("$.smtp.imap.has_imap_password").value(true))
                .andExpect(jsonPath("$.smtp.imap.password").doesNotExist())
                .andExpect(jsonPath("$.has_password").value(true));
        long id = idOf(created);
        assertNoSecretIn(body(created));

        // settings.imap {host, port, ssl, username, folder} and the secret's imap_password (MailboxActivitiesImpl)
        var settings = new com.fasterxml.jackson.databind.ObjectMapper().readTree(jdbc.queryForObject(
                "select settings::text from sender_services where id = ?", String.class, id));
        assertThat(settings.path("imap").path("host").asText()).isEqualTo("imap.example.com");
        assertThat(settings.path("imap").path("port").asInt()).isEqualTo(993);
        assertThat(settings.path("imap").path("ssl").asBoolean()).isTrue();
        assertThat(settings.path("imap").path("username").asText()).isEqualTo("replies@example.com");
        assertThat(settings.path("imap").path("folder").asText()).isEqualTo("INBOX");
        assertThat(settings.toString()).doesNotContain(IMAP_PASSWORD).doesNotContain(PASSWORD);
        assertThat(jdbc.queryForObject("select count(*) from sender_services where id = ? and provider = 'SMTP' "
                + "and enabled and jsonb_typeof(settings -> 'imap') = 'object'", Long.class, id)).isEqualTo(1);
        var secret = openSecretOf(id);
        assertThat(secret.path("password").asText()).isEqualTo(PASSWORD);
        assertThat(secret.path("imap_password").asText()).isEqualTo(IMAP_PASSWORD);

        // an update without either password keeps both
        byte[] sealedBefore = jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?",
                byte[].class, id);
        putJson("/v1/admin/sender-services/" + id, withImap("with-imap", """
                , "imap": {"host": "imap.example.com", "username": "replies@example.com", "folder": "Bounces"}"""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.has_password").value(true))
                .andExpect(jsonPath("$.smtp.imap.host").value("imap.example.com"))
                .andExpect(jsonPath("$.smtp.imap.port").value(993))
                .andExpect(jsonPath("$.smtp.imap.ssl").value(true))
                .andExpect(jsonPath("$.smtp.imap.folder").value("Bounces"))
                .andExpect(jsonPath("$.smtp.imap.has_imap_password").value(true));
        assertThat(jdbc.queryForObject("select secret_ciphertext from sender_services where id = ?", byte[].class, id))
                .isEqualTo(sealedBefore);

        // a new SMTP password replaces only that one
        putJson("/v1/admin/sender-services/" + id, withImap("with-imap", """
                , "password": "rotated-%s", "imap": {"host": "imap.example.com", "username": "replies@example.com"}"""
                .formatted(PASSWORD)))
                .andExpect(status().isOk());
        secret = openSecretOf(id);
        assertThat(secret.path("password").asText()).isEqualTo("rotated-" + PASSWORD);
        assertThat(secret.path("imap_password").asText()).isEqualTo(IMAP_PASSWORD);

        // the view masks it on every read, and the audit trail never holds it
        for (String read : List.of("/v1/admin/sender-services/" + id, "/v1/admin/sender-services",
                "/v1/admin/users/1/sender-services")) {
            assertNoSecretIn(body(getJson(read).andExpect(status().isOk())));
        }
        getJson("/v1/admin/sender-services/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.smtp.imap.has_imap_password").value(true))
                .andExpect(jsonPath("$.smtp.imap.password").doesNotExist());
        List<String> audit = jdbc.queryForList("select coalesce(before::text, '') || coalesce(after::text, '') || coalesce(request::text, '') "
                + "from audit_log where entity = 'sender_service' and entity_id = ?", String.class, String.valueOf(id));
        assertThat(audit).isNotEmpty().allSatisfy(image -> assertThat(image).doesNotContain(IMAP_PASSWORD)
                .doesNotContain(PASSWORD).doesNotContain("\"imap_password\""));

        // "" removes the IMAP password (the poller then logs in with the SMTP one)
        putJson("/v1/admin/sender-services/" + id, withImap("with-imap", """
                , "imap": {"host": "imap.example.com", "username": "replies@example.com", "password": ""}"""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.has_password").value(true))
                .andExpect(jsonPath("$.smtp.imap.has_imap_password").value(false));
        secret = openSecretOf(id);
        assertThat(secret.has("imap_password")).isFalse();
        assertThat(secret.path("password").asText()).isEqualTo("rotated-" + PASSWORD);

        // no imap block: no mailbox to read
        putJson("/v1/admin/sender-services/" + id, withImap("with-imap", ""))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.smtp.imap").value(org.hamcrest.Matchers.nullValue()))
                .andExpect(jsonPath("$.has_password").value(true));
        assertThat(jdbc.queryForObject("select (settings -> 'imap') is not null from sender_services where id = ?",
                Boolean.class, id)).isFalse();
    }

    @Test
    void imapSettingsAreValidated() throws Exception {
        rememberRowCounts();
        postJson("/v1/admin/sender-services", withImap("bad-imap", ", \"password\": \"p\", \"imap\": {}"))
                .andExpectAll(invalidField("smtp.imap.host"));
        postJson("/v1/admin/sender-services", withImap("bad-imap",
                ", \"password\": \"p\", \"imap\": {\"host\": \"not a host!\"}"))
                .andExpectAll(invalidField("smtp.imap.host"));
        postJson("/v1/admin/sender-services", withImap("bad-imap",
                ", \"password\": \"p\", \"imap\": {\"host\": \"imap.example.com\", \"port\": 70000}"))
                .andExpectAll(invalidField("smtp.imap.port"));
        postJson("/v1/admin/sender-services", withImap("bad-imap",
                ", \"password\": \"p\", \"imap\": {\"host\": \"imap.example.com\", \"port\": 0}"))
                .andExpectAll(invalidField("smtp.imap.port"));
        postJson("/v1/admin/sender-services", withImap("bad-imap",
                ", \"password\": \"p\", \"imap\": {\"host\": \"imap.example.com\", \"tls\": true}"))
                .andExpectAll(invalidField("smtp.imap.tls"));
        assertRowCountsUnchanged();
    }

    private static void assertNoSecretIn(String json) {
        assertThat(json).doesNotContain(PASSWORD).doesNotContain(ALIYUN_SECRET).doesNotContain(ENGAGELAB_KEY)
                .doesNotContain(IMAP_PASSWORD).doesNotContain("\"imap_password\"").doesNotContain("\"password\"").doesNotContain("access_key_secret").doesNotContain("api_key")
                .doesNotContain("ciphertext");
    }

}
