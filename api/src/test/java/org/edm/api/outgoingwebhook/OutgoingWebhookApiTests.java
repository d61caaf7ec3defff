package org.edm.api.outgoingwebhook;

import com.jayway.jsonpath.JsonPath;
import io.temporal.client.WorkflowClient;
import org.edm.api.ApiTestSupport;
import org.edm.domain.crypto.SecretBox;
import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;
import org.edm.workflows.WorkflowIds;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class OutgoingWebhookApiTests extends ApiTestSupport {

    @Autowired
    private WorkflowClient workflowClient;
    @Autowired
    private SecretBox secrets;
    @Autowired
    private OutgoingEvents outgoing;

    private static final String VALID = """
            {"url": "https://hooks.example.com/edm", "description": "crm",
             "event_types": ["message.opened", "task.finished"]}""";

    private long wakes(long endpointId) {
        return workflowClient.fetchHistory(WorkflowIds.webhookEndpoint(endpointId)).getEvents().stream()
                .filter(e -> e.hasWorkflowExecutionSignaledEventAttributes()
                        && e.getWorkflowExecutionSignaledEventAttributes().getSignalName().equals("wake")).count();
    }

    @Test
    void theSecretIsShownOnceOnCreateAndOnRotateAndIsNeverListedLoggedOrAudited() throws Exception {
        var created = postJson("/v1/webhooks", VALID).andExpect(status().isCreated())
                .andExpect(jsonPath("$.url").value("https://hooks.example.com/edm"))
                .andExpect(jsonPath("$.event_types[0]").value("message.opened"))
                .andExpect(jsonPath("$.enabled").value(true))
                .andExpect(jsonPath("$.pending").value(0));
        long id = idOf(created);
        String secret = JsonPath.read(body(created), "$.secret");
        assertThat(secret).startsWith("whsec_");
        assertThat(java.util.Base64.getDecoder().decode(secret.substring(6))).hasSize(32);
        byte[] sealed = jdbc.queryForObject("select secret_ciphertext from webhook_endpoints where id = ?",
                byte[].class, id);
        assertThat(secrets.open(sealed)).isEqualTo(secret);
        assertThat(wakes(id)).as("the endpoint's workflow was started").isEqualTo(1);

        getJson("/v1/webhooks/" + id).andExpect(status().isOk()).andExpect(jsonPath("$.secret").doesNotExist());
        assertThat(body(getJson("/v1/webhooks"))).contains("\"id\":" + id).doesNotContain(secret)
                .doesNotContain("\"secret\"");

        String rotated = JsonPath.read(body(postJson("/v1/webhooks/" + id + "/rotate-secret", "")
                .andExpect(status().isOk())), "$.secret");
        assertThat(rotated).startsWith("whsec_").isNotEqualTo(secret);
        assertThat(secrets.open(jdbc.queryForObject("select secret_ciphertext from webhook_endpoints where id = ?",
                byte[].class, id))).isEqualTo(rotated);
        assertThat(jdbc.queryForObject("select count(*) from audit_log where coalesce(before::text, '') || "
                + "coalesce(after::text, '') || coalesce(request::text, '') like ?", Long.class,
                "%" + secret.substring(6, 20) + "%")).isZero();
        assertThat(jdbc.queryForObject("select count(*) from audit_log where coalesce(before::text, '') || "
                + "coalesce(after::text, '') || coalesce(request::text, '') like ?", Long.class,
                "%" + rotated.substring(6, 20) + "%")).isZero();
    }

    @Test
    void badUrlsAndEventTypesAre400sThatRegisterNothing() throws Exception {
        rememberRowCounts();
        for (String url : new String[]{"http://hooks.example.com/edm", "ftp://hooks.example.com", "not a url",
                "https://127.0.0.1/x", "https://localhost:8443/x", "https://10.1.2.3/x", "https://169.254.169.254/x",
                "https://[::1]/x", "https://[fd00::1]/x", "https://192.168.1.10/x", "https://intranet/x",
                "https://user:pw@hooks.example.com/x", "https://metadata.google.internal/x"}) {
            postJson("/v1/webhooks", """
                    {"url": "%s", "event_types": ["task.finished"]}""".formatted(url))
                    .andExpectAll(invalidField("url"));
        }
        postJson("/v1/webhooks", """
                {"url": "https://hooks.example.com", "event_types": ["task.finished", "message.exploded"]}""")
                .andExpectAll(invalidField("event_types[1]"));
        postJson("/v1/webhooks", """
                {"url": "https://hooks.example.com", "event_types": []}""").andExpectAll(invalidField("event_types"));
        postJson("/v1/webhooks", "{\"event_types\": [\"task.finished\"]}").andExpectAll(invalidField("url"));
        assertRowCountsUnchanged();

        long id = idOf(postJson("/v1/webhooks", VALID).andExpect(status().isCreated()));
        rememberRowCounts();
        putJson("/v1/webhooks/" + id, """
                {"url": "https://127.0.0.1/x", "event_types": ["task.finished"]}""").andExpectAll(invalidField("url"));
        assertRowCountsUnchanged();
        getJson("/v1/webhooks/" + id).andExpect(jsonPath("$.url").value("https://hooks.example.com/edm"));
    }

    @Test
    void theLogShowsAttemptsAndStatusCodesAndAReplayQueuesTheSameEventAgainForOnlyItsOwner() throws Exception {
        long owner = createOperator("wh-" + System.nanoTime());
        long id = idOf(postJson("/v1/webhooks", VALID, asUser(owner)).andExpect(status().isCreated()));
        putJson("/v1/webhooks/" + id, """
                {"url": "https://hooks2.example.com/edm", "event_types": ["task.finished"], "enabled": true}""",
                asUser(owner)).andExpect(status().isOk()).andExpect(jsonPath("$.event_types.length()").value(1));
        outgoing.publish(owner, WebhookEventType.TASK_FINISHED, Map.of("task_id", 7));
        outgoing.publish(owner, WebhookEventType.MESSAGE_OPENED, Map.of("delivery_id", 8)); // no longer subscribed
        long delivery = jdbc.queryForObject("select id from webhook_deliveries where endpoint_id = ?", Long.class, id);
        jdbc.update("""
                update webhook_deliveries set status = 'FAILED', attempts = 22, last_status_code = 500,
                       last_error = 'HTTP 500', last_attempt_at = now() where id = ?""", delivery);

        getJson("/v1/webhooks/" + id, asUser(owner)).andExpect(jsonPath("$.failed").value(1));
        getJson("/v1/webhooks/" + id + "/deliveries", asUser(owner)).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$[0].event_type").value("task.finished"))
                .andExpect(jsonPath("$[0].status").value("FAILED"))
                .andExpect(jsonPath("$[0].attempts").value(22))
                .andExpect(jsonPath("$[0].last_status_code").value(500));
        getJson("/v1/webhooks/" + id + "/deliveries?status=SENT", asUser(owner)).andExpectAll(invalidField("status"));
        getJson("/v1/webhooks/" + id + "/deliveries?limit=0", asUser(owner)).andExpectAll(invalidField("limit"));

        // another operator sees neither the endpoint nor its log, and cannot replay
        long other = createOperator("wh-other-" + System.nanoTime());
        rememberRowCounts();
        getJson("/v1/webhooks/" + id, asUser(other)).andExpectAll(problem(404, "webhook " + id));
        getJson("/v1/webhooks/" + id + "/deliveries", asUser(other)).andExpectAll(problem(404, "webhook " + id));
        postJson("/v1/webhooks/" + id + "/deliveries/" + delivery + "/replay", "", asUser(other))
                .andExpectAll(problem(404, "webhook " + id));
        assertThat(body(getJson("/v1/webhooks", asUser(other)))).isEqualTo("[]");
        assertRowCountsUnchanged();

        long wakesBefore = wakes(id);
        var replay = postJson("/v1/webhooks/" + id + "/deliveries/" + delivery + "/replay", "", asUser(owner))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("PENDING"))
                .andExpect(jsonPath("$.attempts").value(0))
                .andExpect(jsonPath("$.replay_of").value(delivery));
        long replayId = idOf(replay);
        assertThat(replayId).isGreaterThan(delivery);
        assertThat(jdbc.queryForList("select message_id from webhook_deliveries where id in (?, ?)", String.class,
                delivery, replayId)).hasSize(2).containsOnly(
                jdbc.queryForObject("select message_id from webhook_deliveries where id = ?", String.class, delivery));
        assertThat(wakes(id)).as("the replay woke the workflow").isEqualTo(wakesBefore + 1);
        getJson("/v1/webhooks/" + id + "/deliveries/" + delivery + "9", asUser(owner))
                .andExpectAll(problem(404, "webhook delivery"));

        deleteJson("/v1/webhooks/" + id, asUser(owner)).andExpect(status().isNoContent());
        getJson("/v1/webhooks/" + id, asUser(owner)).andExpectAll(problem(404, "webhook " + id));
        assertThat(jdbc.queryForObject("select count(*) from webhook_deliveries where endpoint_id = ?", Long.class,
                id)).isZero();
    }
}
