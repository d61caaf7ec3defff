package org.edm.activities.webhook;

import org.edm.activities.provider.FakeHttpApi;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.tracking.EngagementEvents;
import org.edm.domain.tracking.EventType;
import org.edm.domain.webhook.OutgoingEvents;
import org.edm.domain.webhook.WebhookEventType;
import org.edm.domain.webhook.WebhookProperties;
import org.edm.workflows.webhook.WebhookAttempt;
import org.edm.workflows.webhook.WebhookAttemptResult;
import org.edm.workflows.webhook.WebhookNext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The worker's side of outgoing webhooks over a real PostgreSQL and a loopback receiver: what is queued where an
 * event happens, the signed call as a receiver verifies it, the log after 500s, and the SSRF guard.
 */
class WebhookActivitiesTests {

    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(
            "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
    /** The idle poll is not the default minute: an IDLE answer must carry the worker's setting to the workflow. */
    private static final Duration IDLE_POLL = Duration.ofSeconds(7);
    private static final WebhookProperties DEV = new WebhookProperties(true, Duration.ofSeconds(2),
            Duration.ofSeconds(2), IDLE_POLL);

    static ActivitiesHarness harness;
    private FakeHttpApi receiver;
    private long owner;

    @BeforeAll
    static void start() {
        harness = new ActivitiesHarness();
    }

    @AfterAll
    static void stop() {
        harness.close();
    }

    @BeforeEach
    void receiverAndOwner() throws Exception {
        receiver = new FakeHttpApi();
        owner = harness.fixtures.user("webhooks-" + System.nanoTime());
    }

    @AfterEach
    void closeReceiver() {
        receiver.close();
    }

    private long endpoint(String url, boolean enabled, String... types) {
        return harness.fixtures.jdbc().queryForObject("""
                INSERT INTO webhook_endpoints (owner_id, url, event_types, enabled, secret_ciphertext)
                VALUES (?, ?, ?, ?, ?) RETURNING id""", Long.class, owner, url, types, enabled,
                harness.secrets.seal(SECRET));
    }

    private String url() {
        return "http://127.0.0.1:" + receiver.port() + "/hooks/edm";
    }

    private Map<String, Object> row(long deliveryId) {
        return harness.fixtures.jdbc().queryForMap("SELECT * FROM webhook_deliveries WHERE id = ?", deliveryId);
    }

    private long queueOne(long endpointId) {
        new OutgoingEvents(harness.jdbc).publish(owner, WebhookEventType.TASK_FINISHED, Map.of("task_id", 42));
        return harness.fixtures.jdbc().queryForObject(
                "SELECT max(id) FROM webhook_deliveries WHERE endpoint_id = ?", Long.class, endpointId);
    }

    /** Standard Webhooks verification written from the spec with the JDK alone (not the code under test). */
    private static boolean verifies(String secret, FakeHttpApi.Request request) throws Exception {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String signed = request.header("webhook-id") + "." + request.header("webhook-timestamp") + "."
                + request.body();
        byte[] expected = mac.doFinal(signed.getBytes(StandardCharsets.UTF_8));
        for (String signature : request.header("webhook-signature").split(" ")) {
            if (signature.startsWith("v1,") && MessageDigest.isEqual(expected,
                    Base64.getDecoder().decode(signature.substring(3)))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void theCallIsSignedSoThatAReceiverVerifiesItAndTheLogSaysDelivered() throws Exception {
        long endpoint = endpoint(url(), true, "task.finished");
        long delivery = queueOne(endpoint);
        var activities = new WebhookActivitiesImpl(harness.jdbc, harness.secrets, DEV);
        assertThat(activities.nextWebhookDelivery(endpoint)).isEqualTo(WebhookNext.due(delivery));

        WebhookAttemptResult result = activities.attemptWebhookDelivery(
                new WebhookAttempt(endpoint, delivery, 1, System.currentTimeMillis() + 10_000));

        assertThat(result.outcome()).isEqualTo(WebhookAttemptResult.DELIVERED);
        assertThat(receiver.requests()).hasSize(1);
        FakeHttpApi.Request request = receiver.requests().get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.path()).isEqualTo("/hooks/edm");
        assertThat(verifies(SECRET, request)).isTrue();
        assertThat(verifies("whsec_" + Base64.getEncoder().encodeToString(new byte[32]), request)).isFalse();
        assertThat(Long.parseLong(request.header("webhook-timestamp")))
                .isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(30L));
        assertThat(request.header("webhook-id")).startsWith("msg_").isEqualTo(row(delivery).get("message_id"));
        assertThat(request.body()).contains("\"type\":\"task.finished\"").contains("\"data\":{\"task_id\":42}");
        assertThat(row(delivery)).containsEntry("status", "DELIVERED").containsEntry("last_status_code", 200)
                .containsEntry("attempts", 1);
        assertThat(activities.nextWebhookDelivery(endpoint)).isEqualTo(WebhookNext.idle(IDLE_POLL));
    }

    @Test
    void a500IsLoggedWithItsNextAttemptAndTheLastFailureMarksTheEventFailed() {
        receiver.answer(r -> FakeHttpApi.Reply.json(500, "{\"error\": \"down\"}"));
        long endpoint = endpoint(url(), true, "task.finished");
        long delivery = queueOne(endpoint);
        var activities = new WebhookActivitiesImpl(harness.jdbc, harness.secrets, DEV);
        long retryAt = Instant.parse("2030-01-01T00:00:10Z").toEpochMilli();

        assertThat(activities.attemptWebhookDelivery(new WebhookAttempt(endpoint, delivery, 1, retryAt)).outcome())
                .isEqualTo(WebhookAttemptResult.RETRY);
        assertThat(row(delivery)).containsEntry("status", "PENDING").containsEntry("attempts", 1)
                .containsEntry("last_status_code", 500).containsEntry("last_error", "HTTP 500");
        assertThat(((java.sql.Timestamp) row(delivery).get("next_attempt_at")).toInstant())
                .isEqualTo(Instant.ofEpochMilli(retryAt));
        assertThat(activities.nextWebhookDelivery(endpoint)).isEqualTo(WebhookNext.due(delivery));

        // the same message id on the retry: a receiver deduplicates on it
        assertThat(activities.attemptWebhookDelivery(new WebhookAttempt(endpoint, delivery, 2, null)).outcome())
                .isEqualTo(WebhookAttemptResult.FAILED);
        assertThat(receiver.requests()).extracting(r -> r.header("webhook-id")).containsOnly(
                (String) row(delivery).get("message_id")).hasSize(2);
        assertThat(row(delivery)).containsEntry("status", "FAILED").containsEntry("attempts", 2);
        assertThat(row(delivery).get("next_attempt_at")).isNull();
        assertThat(activities.nextWebhookDelivery(endpoint)).isEqualTo(WebhookNext.idle(IDLE_POLL));
    }

    @Test
    void withoutAllowPrivateNoCallGoesToALoopbackAddressWhateverTheUrlSays() {
        var guarded = new WebhookActivitiesImpl(harness.jdbc, harness.secrets, WebhookProperties.DEFAULTS);
        for (String url : List.of(url(), "https://127.0.0.1:" + receiver.port() + "/x",
                "https://localhost:" + receiver.port() + "/x", "https://[::1]:" + receiver.port() + "/x",
                "https://127.1:" + receiver.port() + "/x")) {
            long endpoint = endpoint(url, true, "task.finished");
            long delivery = queueOne(endpoint);
            assertThat(guarded.attemptWebhookDelivery(new WebhookAttempt(endpoint, delivery, 1,
                    System.currentTimeMillis() + 10_000)).outcome()).as(url).isEqualTo(WebhookAttemptResult.RETRY);
            assertThat((String) row(delivery).get("last_error")).as(url).startsWith("refused:");
            assertThat(row(delivery).get("last_status_code")).isNull();
        }
        assertThat(receiver.requests()).isEmpty();
    }

    @Test
    void aHostThatReBindsToLoopbackAfterItsFirstAnswerNeverGetsAConnection() throws Exception {
        // DNS re-binding: the first answer is public (TEST-NET-1, unreachable here), every later one 127.0.0.1. A
        // guard that checked one answer and connected with another would reach the listener below.
        try (java.net.ServerSocket listener = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(200);
            java.util.concurrent.atomic.AtomicInteger lookups = new java.util.concurrent.atomic.AtomicInteger();
            var guarded = new WebhookActivitiesImpl(harness.jdbc, harness.secrets, new WebhookProperties(false,
                    Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofMinutes(1)), host -> new InetAddress[]{
                    lookups.getAndIncrement() == 0 ? InetAddress.getByName("192.0.2.1") : InetAddress.getLoopbackAddress()});
            long endpoint = endpoint("https://rebind.example.com:" + listener.getLocalPort() + "/x", true,
                    "task.finished");
            for (int attempt = 1; attempt <= 3; attempt++) {
                long delivery = queueOne(endpoint);
                guarded.attemptWebhookDelivery(new WebhookAttempt(endpoint, delivery, 1,
                        System.currentTimeMillis() + 10_000));
                String error = (String) row(delivery).get("last_error");
                assertThat(error).as("attempt %d", attempt)
                        .isIn("could not connect", "timed out", "refused: the host resolves to a loopback, private, "
                                + "link-local or multicast address");
                if (attempt > 1) {
                    assertThat(error).startsWith("refused:");
                }
            }
            assertThat(lookups.get()).as("one resolution per connection, the one that was checked").isEqualTo(3);
            assertThatThrownBy(listener::accept).isInstanceOf(java.net.SocketTimeoutException.class);
            guarded.close();
        }
    }

    @Test
    void aHostWithOnePrivateAddressAmongPublicOnesIsRefused() throws Exception {
        var guarded = new WebhookActivitiesImpl(harness.jdbc, harness.secrets, WebhookProperties.DEFAULTS,
                host -> new InetAddress[]{InetAddress.getByName("192.0.2.1"), InetAddress.getByName("169.254.169.254")});
        long endpoint = endpoint("https://metadata.example.com/x", true, "task.finished");
        long delivery = queueOne(endpoint);
        guarded.attemptWebhookDelivery(new WebhookAttempt(endpoint, delivery, 1, System.currentTimeMillis() + 10_000));
        assertThat((String) row(delivery).get("last_error")).startsWith("refused: the host resolves to");
        guarded.close();
    }

    @Test
    void eventsAreQueuedForTheEnabledEndpointsOfTheOwnerThatSubscribedToTheirType() {
        var f = harness.fixtures;
        long opens = endpoint(url(), true, "message.opened");
        long everything = endpoint(url(), true, "message.opened", "message.clicked");
        long disabled = endpoint(url(), false, "message.opened");
        long contact = f.contact(owner, "reader-" + System.nanoTime() + "@example.com", "r");
        long task = f.task(f.campaign(owner, "wh"), owner, "{\"include_tags\": []}",
                f.templateSet(owner, f.template(owner, "s", "<p>b</p>")));
        String token = "tok" + System.nanoTime();
        long deliveryId = f.jdbc().queryForObject("""
                INSERT INTO deliveries (task_id, contact_id, status, token, sent_at, claim_token)
                VALUES (?, ?, 'SENT', ?, now(), 'test/claim')
                RETURNING id""", Long.class, task, contact, token);
        EngagementEvents events = new EngagementEvents(harness.jdbc);
        var sent = events.byToken(token).orElseThrow();

        events.record(sent, new EngagementEvents.Event(EventType.OPEN, false, Instant.now(), "UA", null, null, null,
                false));
        events.record(sent, new EngagementEvents.Event(EventType.CLICK, false, Instant.now(), "UA", null, null, null,
                false));

        var jdbc = f.jdbc();
        assertThat(jdbc.queryForList("SELECT event_type FROM webhook_deliveries WHERE endpoint_id = ?",
                String.class, opens)).containsExactly("message.opened");
        assertThat(jdbc.queryForList("SELECT event_type FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id",
                String.class, everything)).containsExactly("message.opened", "message.clicked");
        assertThat(jdbc.queryForList("SELECT event_type FROM webhook_deliveries WHERE endpoint_id = ?",
                String.class, disabled)).isEmpty();
        String body = jdbc.queryForObject("SELECT body FROM webhook_deliveries WHERE endpoint_id = ?", String.class,
                opens);
        assertThat(body).contains("\"delivery_id\":" + deliveryId).contains("\"task_id\":" + task)
                .doesNotContain("reader-");
    }

    @Test
    void aFreezeIsQueuedForEveryUserOfTheServiceOnceAndATaskThatFinishesForItsOwner() {
        var f = harness.fixtures;
        long frozenHook = endpoint(url(), true, "sender_service.frozen", "task.finished");
        long service = f.smtpService("freeze-" + System.nanoTime() + ".example", 2525, 100, 0, null, null);
        f.grant(owner, service);
        var health = new org.edm.activities.delivery.ServiceHealth(harness.jdbc, harness.tx,
                new org.edm.domain.alert.Alerts(harness.jdbc));

        assertThat(health.freeze(service, "provider said no")).isTrue();
        assertThat(health.freeze(service, "again")).as("already frozen").isFalse();

        long task = f.task(f.campaign(owner, "fin"), owner, "{\"include_tags\": [\"nobody\"]}",
                f.templateSet(owner, f.template(owner, "s", "<p>b {{unsubscribe_url}}</p>")));
        harness.taskActivities(null).finishTask(task);
        harness.taskActivities(null).finishTask(task);

        assertThat(f.jdbc().queryForList("SELECT body FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY id",
                String.class, frozenHook)).satisfiesExactly(
                frozen -> assertThat(frozen).contains("\"type\":\"sender_service.frozen\"")
                        .contains("\"sender_service_id\":" + service).doesNotContain("provider said no"),
                finished -> assertThat(finished).contains("\"type\":\"task.finished\"")
                        .contains("\"task_id\":" + task).contains("\"counts\":{"));
    }
}
