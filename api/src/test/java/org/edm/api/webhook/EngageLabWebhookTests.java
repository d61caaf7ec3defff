package org.edm.api.webhook;

import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** EngageLab's documented callback shapes and signature recipes (fixtures: src/test/resources/webhooks/engagelab). */
class EngageLabWebhookTests extends ApiTestSupport {

    /** The last timestamp {@link #signed(String)} used: each call takes an earlier second than any before it. */
    private static final AtomicLong LAST_TIMESTAMP = new AtomicLong(Long.MAX_VALUE);

    SentDeliveries fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new SentDeliveries(jdbc);
    }

    static String fixture(String name, String emailId, String to, long itimeMillis) throws IOException {
        return new ClassPathResource("webhooks/engagelab/" + name).getContentAsString(StandardCharsets.UTF_8)
                .replace("{{EMAIL_ID}}", emailId).replace("{{TO}}", to)
                .replace("{{ITIME}}", Long.toString(itimeMillis));
    }

    /** Signed the way the webhook page says: hex HMAC-SHA256 of the timestamp, keyed with the app key. */
    private ResultActions call(String timestamp, String signature, String body) throws Exception {
        return mvc.perform(post("/webhooks/engagelab").contentType(MediaType.APPLICATION_JSON)
                .header("X-WebHook-Timestamp", timestamp)
                .header("X-WebHook-AppKey", "email")
                .header("X-WebHook-Signature", signature)
                .content(body));
    }

    /**
     * Each call gets its own timestamp (a signature/timestamp pair is good for one body only): now, or a second
     * before the previous call's, well within the 5-minute window for the few dozen calls of this class.
     */
    private ResultActions signed(String body) throws Exception {
        long now = Instant.now().getEpochSecond();
        String ts = Long.toString(LAST_TIMESTAMP.updateAndGet(last -> Math.min(now, last - 1)));
        return call(ts, EngageLabWebhook.hmacSigned(ENGAGELAB_WEBHOOK_SECRET, ts), body);
    }

    private long events(SentDeliveries.Sent sent, String type) {
        return jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type = ?", Long.class,
                sent.deliveryId(), type);
    }

    private boolean label(SentDeliveries.Sent sent, String column) {
        return Boolean.TRUE.equals(jdbc.queryForObject("SELECT " + column + " IS NOT NULL FROM "
                + "campaign_contact_labels WHERE campaign_id = ? AND contact_id = ?", Boolean.class,
                sent.campaignId(), sent.contactId()));
    }

    @Test
    void documentedStatusAndResponseMessagesAreRecordedWithLabelsOnceEvenWhenRedelivered() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("el-doc-" + System.nanoTime() + "@example.test");
        String emailId = "pm-" + sent.token();
        long itime = Instant.now().toEpochMilli();
        for (String[] c : new String[][]{{"delivered.json", "DELIVERED"}, {"open.json", "OPEN"},
                {"click.json", "CLICK"}, {"unsubscribe.json", "UNSUBSCRIBE"}}) {
            String body = fixture(c[0], emailId, sent.email(), itime);
            signed(body).andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));
            // EngageLab resends when the answer is late: the same message again records nothing
            signed(body).andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(0))
                    .andExpect(jsonPath("$.duplicates").value(1));
            assertThat(events(sent, c[1])).as(c[0]).isEqualTo(1);
        }
        assertThat(label(sent, "opened_at")).isTrue();
        assertThat(label(sent, "clicked_at")).isTrue();
        assertThat(label(sent, "unsubscribed_at")).isTrue();
        assertThat(jdbc.queryForObject("SELECT details->>'url' FROM event_log WHERE delivery_id = ? AND type = "
                + "'CLICK'", String.class, sent.deliveryId())).isEqualTo("https://shop.example/sale");

        // the documented "target" message (request accepted) is acknowledged, not recorded
        signed(new ClassPathResource("webhooks/engagelab/target.json").getContentAsString(StandardCharsets.UTF_8))
                .andExpect(status().isOk()).andExpect(jsonPath("$.ignored").value(1))
                .andExpect(jsonPath("$.recorded").value(0));
    }

    @Test
    void providerEventsOfAnApiMessageAreRecordedOnTheMessage() throws Exception {
        String providerMessageId = "pm-api-" + System.nanoTime();
        long message = jdbc.queryForObject("""
                INSERT INTO api_messages (public_id, request_id, owner_id, from_address, to_address, subject,
                                          html_body, token, status, sent_at, provider_message_id)
                VALUES (?, 'req_wh', 1, 'service@mail.example.test', 'api-reader@example.test', 'Code', '<p>1</p>',
                        ?, 'SENT', now(), ?) RETURNING id
                """, Long.class, "msg_wh" + System.nanoTime(), "mwh" + System.nanoTime(), providerMessageId);

        signed(fixture("delivered.json", providerMessageId, "api-reader@example.test", Instant.now().toEpochMilli()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE message_id = ? AND type = 'DELIVERED'",
                Long.class, message)).isEqualTo(1);
    }

    @Test
    void invalidAndSpamReportsSuppressTheAddress() throws Exception {
        SentDeliveries.Sent bounced = fixtures.oneSent("el-inv-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent spam = fixtures.oneSent("el-spam-" + System.nanoTime() + "@example.test");
        long itime = Instant.now().toEpochMilli();
        signed(fixture("invalid.json", "pm-" + bounced.token(), bounced.email(), itime)).andExpect(status().isOk())
                .andExpect(jsonPath("$.recorded").value(1));
        signed(fixture("report_spam.json", "pm-" + spam.token(), spam.email(), itime)).andExpect(status().isOk())
                .andExpect(jsonPath("$.recorded").value(1));

        assertThat(events(bounced, "BOUNCE")).isEqualTo(1);
        assertThat(label(bounced, "bounced_at")).isTrue();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1 AND reason = 'BOUNCED'
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, bounced.email()))
                .isEqualTo(1);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1 AND reason = 'UNSUBSCRIBED'
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, spam.email()))
                .isEqualTo(1);
    }

    @Test
    void theMd5RecipeOfLearnAboutWebhookIsAcceptedToo() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("el-md5-" + System.nanoTime() + "@example.test");
        String ts = Long.toString(Instant.now().toEpochMilli());
        call(ts, EngageLabWebhook.md5Signed(ENGAGELAB_WEBHOOK_SECRET, ts, "email"),
                fixture("open.json", "pm-" + sent.token(), sent.email(), Instant.now().toEpochMilli()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));
        assertThat(events(sent, "OPEN")).isEqualTo(1);
    }

    @Test
    void unsignedWronglySignedAndStaleCallsAreRefusedAndRecordNothing() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("el-refused-" + System.nanoTime() + "@example.test");
        String body = fixture("unsubscribe.json", "pm-" + sent.token(), sent.email(), Instant.now().toEpochMilli());
        String now = Long.toString(Instant.now().getEpochSecond());
        String stale = Long.toString(Instant.now().minusSeconds(6 * 60).getEpochSecond());

        mvc.perform(post("/webhooks/engagelab").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpectAll(problem(401, "not signed"));
        // signed with another key; a tampered signature; a valid signature over another timestamp
        call(now, EngageLabWebhook.hmacSigned("a-guessed-key", now), body).andExpectAll(problem(401, "signature"));
        call(now, tampered(EngageLabWebhook.hmacSigned(ENGAGELAB_WEBHOOK_SECRET, now)), body).andExpectAll(problem(401, "signature"));
        call(now, EngageLabWebhook.hmacSigned(ENGAGELAB_WEBHOOK_SECRET, stale), body)
                .andExpectAll(problem(401, "signature"));
        // correctly signed, but older than the 5-minute window
        call(stale, EngageLabWebhook.hmacSigned(ENGAGELAB_WEBHOOK_SECRET, stale), body)
                .andExpectAll(problem(401, "minutes"));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type <> "
                + "'SEND_SUCCESS'", Long.class, sent.deliveryId())).isZero();
    }

    static String tampered(String hex) {
        return (hex.charAt(0) == '0' ? "1" : "0") + hex.substring(1);
    }

    @Test
    void anEventWithoutAKnownMessageIdFallsBackToTheRecipientsLatestEngageLabDelivery() throws Exception {
        String email = "el-fallback-" + System.nanoTime() + "@example.test";
        long service = jdbc.queryForObject("""
                INSERT INTO sender_services (name, provider, domain, daily_quota)
                VALUES ('engagelab fallback', 'ENGAGELAB', 'example.test', 1000) RETURNING id""", Long.class);
        long template = fixtures.template("t-" + email);
        long contact = fixtures.contact(email);
        long older = fixtures.campaign("older " + email);
        long newer = fixtures.campaign("newer " + email);
        SentDeliveries.Sent first = fixtures.sent(older, fixtures.task(older, 1, fixtures.templateSet(template)),
                template, contact, "SENT", Instant.now().minusSeconds(7200));
        SentDeliveries.Sent latest = fixtures.sent(newer, fixtures.task(newer, 1, fixtures.templateSet(template)),
                template, contact, "SENT", Instant.now().minusSeconds(60));
        jdbc.update("UPDATE deliveries SET sender_service_id = ? WHERE id IN (?, ?)", service, first.deliveryId(),
                latest.deliveryId());
        jdbc.update("UPDATE event_log SET sender_service_id = ? WHERE delivery_id IN (?, ?)", service,
                first.deliveryId(), latest.deliveryId());

        signed(fixture("open.json", "an-id-we-never-stored", email.toUpperCase(), Instant.now().toEpochMilli()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));

        assertThat(events(latest, "OPEN")).isEqualTo(1);
        assertThat(events(first, "OPEN")).isZero();
        // without the recipient there is nothing to go by
        signed(fixture("open.json", "an-id-we-never-stored", "", Instant.now().toEpochMilli()))
                .andExpect(status().isOk()).andExpect(jsonPath("$.unknown_message").value(1));
    }

    @Test
    void aCapturedSignatureCannotBeReplayedWithAnotherBodyWithinTheWindow() throws Exception {
        SentDeliveries.Sent delivered = fixtures.oneSent("el-replay-ok-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent victim = fixtures.oneSent("el-replay-victim-" + System.nanoTime() + "@example.test");
        long itime = Instant.now().toEpochMilli();
        String ts = Long.toString(Instant.now().getEpochSecond() - 250);
        String signature = EngageLabWebhook.hmacSigned(ENGAGELAB_WEBHOOK_SECRET, ts);
        String body = fixture("delivered.json", "pm-" + delivered.token(), delivered.email(), itime);

        call(ts, signature, body).andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));
        // EngageLab resending the very same call is harmless: accepted, nothing new recorded
        call(ts, signature, body).andExpect(status().isOk()).andExpect(jsonPath("$.duplicates").value(1));
        // the captured headers with a forged hard bounce: refused, the victim is not suppressed
        call(ts, signature, fixture("invalid.json", "pm-" + victim.token(), victim.email(), itime))
                .andExpectAll(problem(401, "already used"));

        assertThat(events(victim, "BOUNCE")).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, victim.email())).isZero();
    }

    @Test
    void twoBodiesRacingWithOneSignatureRecordOnlyOne() throws Exception {
        SentDeliveries.Sent first = fixtures.oneSent("el-race-a-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent second = fixtures.oneSent("el-race-b-" + System.nanoTime() + "@example.test");
        long itime = Instant.now().toEpochMilli();
        String ts = Long.toString(Instant.now().getEpochSecond() - 260);
        String signature = EngageLabWebhook.hmacSigned(ENGAGELAB_WEBHOOK_SECRET, ts);
        List<String> bodies = List.of(fixture("invalid.json", "pm-" + first.token(), first.email(), itime),
                fixture("invalid.json", "pm-" + second.token(), second.email(), itime));

        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<Integer>> answers = new ArrayList<>();
        try {
            for (String body : bodies) {
                answers.add(pool.submit((Callable<Integer>) () -> {
                    start.await();
                    return call(ts, signature, body).andReturn().getResponse().getStatus();
                }));
            }
            start.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).containsExactlyInAnyOrder(200, 401);
        } finally {
            pool.shutdownNow();
        }
        assertThat(events(first, "BOUNCE") + events(second, "BOUNCE")).isEqualTo(1);
    }

    @Test
    void recordedSignaturesAreForgottenOnceTheyCanNoLongerBeAccepted() throws Exception {
        jdbc.update("""
                INSERT INTO webhook_signature_uses (provider, signature, signed_at, body_sha256, received_at)
                VALUES ('engagelab', 'old-signature', '1', '\\x00', now() - interval '11 minutes'),
                       ('engagelab', 'recent-signature', '2', '\\x00', now() - interval '9 minutes')""");
        SentDeliveries.Sent sent = fixtures.oneSent("el-expiry-" + System.nanoTime() + "@example.test");

        signed(fixture("delivered.json", "pm-" + sent.token(), sent.email(), Instant.now().toEpochMilli()))
                .andExpect(status().isOk());

        // a timestamp may be up to 5 minutes either side of now: after 10 minutes no call can carry that pair
        assertThat(jdbc.queryForList("SELECT signature FROM webhook_signature_uses WHERE signature IN "
                + "('old-signature', 'recent-signature')", String.class)).containsExactly("recent-signature");
    }
}
