package org.edm.api.webhook;

import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.ResultActions;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class WebhookApiTests extends ApiTestSupport {

    SentDeliveries fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new SentDeliveries(jdbc);
    }

    private ResultActions call(String path, String secret, long timestamp, String body) throws Exception {
        String ts = Long.toString(timestamp);
        return mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON)
                .header(WebhookSignature.TIMESTAMP, ts)
                .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(secret, ts, body))
                .content(body));
    }

    private long events(SentDeliveries.Sent sent, String type) {
        return jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type = ?", Long.class,
                sent.deliveryId(), type);
    }

    private long suppressed(SentDeliveries.Sent sent, String reason) {
        return jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1 AND reason = ?
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, reason, sent.email());
    }

    @Test
    void signedEngageLabEventsAreRecordedOnceEvenWhenReplayed() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("el-" + System.nanoTime() + "@example.test");
        String pm = "pm-" + sent.token();
        long now = Instant.now().getEpochSecond();
        String body = """
                [{"event": "delivered", "email_id": "%1$s", "event_id": "e1-%1$s", "timestamp": %2$d},
                 {"event": "open", "email_id": "%1$s", "event_id": "e2-%1$s", "timestamp": %2$d},
                 {"event": "click", "email_id": "%1$s", "url": "https://shop.example/", "timestamp": %2$d},
                 {"event": "open", "email_id": "someone-elses-message", "timestamp": %2$d}]
                """.formatted(pm, now);

        call("/webhooks/engagelab", ENGAGELAB_WEBHOOK_SECRET, now, body).andExpect(status().isOk())
                .andExpect(jsonPath("$.received").value(4))
                .andExpect(jsonPath("$.recorded").value(3))
                .andExpect(jsonPath("$.unknown_message").value(1));
        call("/webhooks/engagelab", ENGAGELAB_WEBHOOK_SECRET, now + 1, body).andExpect(status().isOk())
                .andExpect(jsonPath("$.recorded").value(0))
                .andExpect(jsonPath("$.duplicates").value(3));

        assertThat(events(sent, "DELIVERED")).isEqualTo(1);
        assertThat(events(sent, "OPEN")).isEqualTo(1);
        assertThat(events(sent, "CLICK")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT clicked_at IS NOT NULL AND opened_at IS NOT NULL FROM "
                + "campaign_contact_labels WHERE campaign_id = ? AND contact_id = ?", Boolean.class,
                sent.campaignId(), sent.contactId())).isTrue();
    }

    @Test
    void unsignedBadlySignedAndStaleCallsAreRefusedAndChangeNothing() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("el-bad-" + System.nanoTime() + "@example.test");
        long now = Instant.now().getEpochSecond();
        String body = """
                {"event": "unsubscribe", "email_id": "pm-%s", "timestamp": %d}""".formatted(sent.token(), now);

        mvc.perform(post("/webhooks/engagelab").contentType(MediaType.APPLICATION_JSON).content(body))
                .andExpectAll(problem(401, "not signed"));
        call("/webhooks/engagelab", "a-guessed-secret", now, body).andExpectAll(problem(401, "signature"));
        call("/webhooks/engagelab", ENGAGELAB_WEBHOOK_SECRET, now - 301, body).andExpectAll(problem(401, "minutes"));
        // signed for the other provider
        call("/webhooks/engagelab", ALIYUN_DM_WEBHOOK_SECRET, now, body).andExpectAll(problem(401, "signature"));
        // a signed body then altered
        String ts = Long.toString(now);
        mvc.perform(post("/webhooks/engagelab").contentType(MediaType.APPLICATION_JSON)
                        .header(WebhookSignature.TIMESTAMP, ts)
                        .header(WebhookSignature.SIGNATURE, WebhookSignature.sign(ENGAGELAB_WEBHOOK_SECRET, ts, body))
                        .content(body.replace("unsubscribe", "open")))
                .andExpectAll(problem(401, "signature"));

        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type <> "
                + "'SEND_SUCCESS'", Long.class, sent.deliveryId())).isZero();
        assertThat(suppressed(sent, "UNSUBSCRIBED")).isZero();

        call("/webhooks/engagelab", ENGAGELAB_WEBHOOK_SECRET, now, "not json").andExpectAll(problem(400, "event"));
    }

    @Test
    void aliyunHardBouncesAndComplaintsSuppressTheAddress() throws Exception {
        SentDeliveries.Sent bounced = fixtures.oneSent("ali-b-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent soft = fixtures.oneSent("ali-s-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent complained = fixtures.oneSent("ali-c-" + System.nanoTime() + "@example.test");
        long now = Instant.now().getEpochSecond();
        String body = """
                [{"event_type": "failed", "env_id": "pm-%s", "msg_id": "m1-%s"},
                 {"event_type": "soft_bounce", "env_id": "pm-%s"},
                 {"event_type": "report_spam", "env_id": "pm-%s"}]
                """.formatted(bounced.token(), bounced.token(), soft.token(), complained.token());

        call("/webhooks/aliyun-dm", ALIYUN_DM_WEBHOOK_SECRET, now * 1000, body).andExpect(status().isOk())
                .andExpect(jsonPath("$.recorded").value(3));

        assertThat(events(bounced, "BOUNCE")).isEqualTo(1);
        assertThat(suppressed(bounced, "BOUNCED")).isEqualTo(1);
        assertThat(events(soft, "BOUNCE")).isEqualTo(1);
        assertThat(suppressed(soft, "BOUNCED")).isZero();
        assertThat(suppressed(complained, "UNSUBSCRIBED")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT bounced_at IS NOT NULL FROM campaign_contact_labels "
                + "WHERE campaign_id = ? AND contact_id = ?", Boolean.class, bounced.campaignId(),
                bounced.contactId())).isTrue();
    }
}
