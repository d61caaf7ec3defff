package org.edm.system.e2e;

import org.edm.activities.provider.FakeHttpApi;
import org.edm.system.harness.AppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.jdbc.core.JdbcTemplate;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An operator's endpoint hears that a task finished: the worker JVM's webhook-endpoint-{id} workflow on the real
 * Temporal dev server POSTs the event, retries after the receiver's 500 and delivers it signed, as a receiver
 * verifies it with the secret the api showed once. Private targets are allowed here (EDM_WEBHOOKS_ALLOW_PRIVATE)
 * because the receiver is on loopback.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OutgoingWebhooksEndToEndTests {

    private static final Map<String, String> ALLOW_PRIVATE = Map.of("EDM_WEBHOOKS_ALLOW_PRIVATE", "true");
    /** The worker's endpoint workflows look for new events every 2 s instead of every minute (the test's wait). */
    private static final Map<String, String> WORKER = Map.of("EDM_WEBHOOKS_ALLOW_PRIVATE", "true",
            "EDM_WEBHOOKS_IDLE_POLL", "2s");

    private EndToEndStack stack;
    private AppProcess worker;
    private JdbcTemplate db;
    private FakeHttpApi receiver;

    @BeforeAll
    void startStack() throws Exception {
        receiver = new FakeHttpApi();
        stack = EndToEndStack.withWorker("webhooks", ALLOW_PRIVATE, s -> WORKER);
        worker = stack.worker();
        db = new JdbcTemplate(stack.db.dataSource());
    }

    @AfterAll
    void stopStack() throws Exception {
        if (worker != null) {
            worker.stop();
        }
        if (stack != null) {
            stack.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void aFinishedTaskReachesTheEndpointSignedAfterARetry() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        receiver.answer(r -> calls.incrementAndGet() == 1 ? FakeHttpApi.Reply.json(500, "{}")
                : FakeHttpApi.Reply.json(204, ""));
        var endpoint = stack.post("/v1/webhooks", Map.of("url", "http://127.0.0.1:" + receiver.port() + "/edm",
                "event_types", List.of("task.finished")));
        long endpointId = endpoint.get("id").asLong();
        String secret = endpoint.get("secret").asText();

        stack.post("/v1/admin/sender-services", Map.of("name", "smtp-hooks", "provider", "SMTP",
                "domain", "hooks.example", "smtp", Map.of("host", "127.0.0.1", "port",
                        stack.smtp.getSmtp().getPort(), "tls", false),
                "daily_quota", 1000, "throttle_seconds", 0));
        stack.post("/v1/contacts/import", List.of(Map.of("email", "hook-reader@inbox.example", "tags",
                List.of("hook"))));
        long template = stack.post("/v1/templates", Map.of("name", "hook", "subject", "Hi",
                "body_html", "<p>Hi</p><p><a href=\"{{unsubscribe_url}}\">unsubscribe</a></p>")).get("id").asLong();
        long set = stack.post("/v1/template-sets", Map.of("name", "hook", "template_ids", List.of(template)))
                .get("id").asLong();
        long campaignId = stack.post("/v1/campaigns", Map.of("name", "hook", "start_time", Instant.now().toString(),
                "interval_days", 1, "tasks", List.of(Map.of("name", "hook task", "template_set_id", set,
                        "sender_name", "news", "recipient_rule", Map.of("include_tags", List.of("hook"))))))
                .get("id").asLong();
        stack.post("/v1/campaigns/" + campaignId + "/activate", Map.of());
        long taskId = db.queryForObject("SELECT id FROM tasks WHERE campaign_id = ?", Long.class, campaignId);

        // the task finishes, the idle poll (2 s here) finds the event, the 500 is retried 10 s later
        Instant deadline = Instant.now().plus(Duration.ofMinutes(4));
        while (receiver.requests().size() < 2) {
            assertThat(Instant.now()).as("waiting for two calls; log: %s", stack.get("/v1/webhooks/" + endpointId
                    + "/deliveries")).isBefore(deadline);
            Thread.sleep(250);
        }
        var first = receiver.requests().get(0);
        var second = receiver.requests().get(1);
        assertThat(second.header("webhook-id")).isEqualTo(first.header("webhook-id"));
        assertThat(second.body()).isEqualTo(first.body()).contains("\"type\":\"task.finished\"")
                .contains("\"task_id\":" + taskId);
        assertThat(verifies(secret, second)).isTrue();
        assertThat(Long.parseLong(second.header("webhook-timestamp"))
                - Long.parseLong(first.header("webhook-timestamp"))).isGreaterThanOrEqualTo(9);

        var log = stack.get("/v1/webhooks/" + endpointId + "/deliveries");
        for (int i = 0; i < 40 && !"DELIVERED".equals(log.get(0).path("status").asText()); i++) {
            Thread.sleep(250);
            log = stack.get("/v1/webhooks/" + endpointId + "/deliveries");
        }
        assertThat(log.get(0).path("status").asText()).isEqualTo("DELIVERED");
        assertThat(log.get(0).path("attempts").asInt()).isEqualTo(2);
        assertThat(log.get(0).path("last_status_code").asInt()).isEqualTo(204);
        assertThat(calls.get()).isEqualTo(2);
    }

    /** Standard Webhooks verification with the JDK alone. */
    private static boolean verifies(String secret, FakeHttpApi.Request request) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        String expected = "v1," + Base64.getEncoder().encodeToString(mac.doFinal((request.header("webhook-id") + "."
                + request.header("webhook-timestamp") + "." + request.body()).getBytes(StandardCharsets.UTF_8)));
        return List.of(request.header("webhook-signature").split(" ")).contains(expected);
    }
}
