package org.edm.api.tracking;

import org.edm.api.ApiTestSupport;
import org.edm.domain.tracking.TrackingUrls;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The links are built by {@link TrackingUrls}, the same bean the worker's renderer uses for the e-mail (the
 * activities module's tests check that a message captured by GreenMail carries exactly these links).
 */
class TrackingApiTests extends ApiTestSupport {

    private static final String IPHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15";

    @Autowired
    TrackingUrls urls;

    SentDeliveries fixtures;

    @BeforeEach
    void fixtures() {
        fixtures = new SentDeliveries(jdbc);
    }

    private static MockHttpServletRequestBuilder at(String absoluteUrl) {
        URI uri = URI.create(absoluteUrl);
        // a URI, not a template string: MockMvc would encode the already encoded query again
        return get(URI.create(uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())));
    }

    /** The contact's engagement labels in the campaign; none (an empty map) until the first engagement. */
    private Map<String, Object> labels(SentDeliveries.Sent sent) {
        return jdbc.queryForList("SELECT * FROM campaign_contact_labels WHERE campaign_id = ? AND contact_id = ?",
                sent.campaignId(), sent.contactId()).stream().findFirst().orElse(Map.of());
    }

    private long events(SentDeliveries.Sent sent, String type) {
        return jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type = ?", Long.class,
                sent.deliveryId(), type);
    }

    @Test
    void theOpenPixelIsARealUncachedGifAndEveryOpenIsCountedButLabelledOnce() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("open-" + System.nanoTime() + "@example.test");

        byte[] gif = mvc.perform(at(urls.openPixel(sent.token())).header("User-Agent", IPHONE)
                        .with(r -> { r.setRemoteAddr("203.0.113.77"); return r; }))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.IMAGE_GIF))
                .andExpect(header().string("Cache-Control", org.hamcrest.Matchers.containsString("no-store")))
                .andReturn().getResponse().getContentAsByteArray();
        assertThat(new String(gif, 0, 6, java.nio.charset.StandardCharsets.US_ASCII)).isEqualTo("GIF89a");
        assertThat(javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(gif)).getWidth()).isEqualTo(1);
        Instant firstOpen = ((java.sql.Timestamp) labels(sent).get("opened_at")).toInstant();

        mvc.perform(at(urls.openPixel(sent.token())).header("User-Agent", IPHONE)).andExpect(status().isOk());

        assertThat(events(sent, "OPEN")).isEqualTo(2);
        assertThat(((java.sql.Timestamp) labels(sent).get("opened_at")).toInstant()).isEqualTo(firstOpen);
        Map<String, Object> event = jdbc.queryForMap("""
                SELECT user_agent, ip_prefix, machine, campaign_id, contact_id FROM event_log
                 WHERE delivery_id = ? AND type = 'OPEN' ORDER BY id LIMIT 1""", sent.deliveryId());
        assertThat(event).containsEntry("user_agent", IPHONE).containsEntry("ip_prefix", "203.0.113.0/24")
                .containsEntry("machine", false).containsEntry("campaign_id", sent.campaignId())
                .containsEntry("contact_id", sent.contactId());
    }

    @Test
    void machineOpensAreRecordedAsSuchAndSetNoLabel() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("mpp-" + System.nanoTime() + "@example.test");
        // Apple Mail Privacy Protection prefetches with a bare user agent
        mvc.perform(at(urls.openPixel(sent.token())).header("User-Agent", "Mozilla/5.0")
                .with(r -> { r.setRemoteAddr("2001:db8:1234:5678::1"); return r; })).andExpect(status().isOk());
        // a scanner fetching right after the send
        SentDeliveries.Sent justSent = fixtures.sent(sent.campaignId(), sent.taskId(), sent.templateId(),
                fixtures.contact("scan-" + System.nanoTime() + "@example.test"), "SENT", Instant.now());
        mvc.perform(at(urls.openPixel(justSent.token())).header("User-Agent", IPHONE)).andExpect(status().isOk());

        assertThat(jdbc.queryForObject("SELECT bool_and(machine) FROM event_log WHERE delivery_id IN (?, ?) "
                + "AND type = 'OPEN'", Boolean.class, sent.deliveryId(), justSent.deliveryId())).isTrue();
        assertThat(jdbc.queryForObject("SELECT ip_prefix FROM event_log WHERE delivery_id = ? AND type = 'OPEN'",
                String.class, sent.deliveryId())).isEqualTo("2001:db8:1234::/48");
        assertThat(labels(sent).get("opened_at")).isNull();
        assertThat(labels(justSent).get("opened_at")).isNull();
    }

    @Test
    void anUnknownTokenStillGetsTheGifButNoEvent() throws Exception {
        long before = jdbc.queryForObject("SELECT count(*) FROM event_log", Long.class);
        mvc.perform(at(urls.openPixel("nosuchtoken"))).andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.IMAGE_GIF));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log", Long.class)).isEqualTo(before);
    }

    @Test
    void aSignedClickRedirectsAndLabelsClickedAndOpened() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("click-" + System.nanoTime() + "@example.test");
        String target = "https://shop.example/p?id=1&src=mail#top";

        mvc.perform(at(urls.click(sent.token(), target)).header("User-Agent", IPHONE))
                .andExpect(status().isFound())
                .andExpect(header().string("Location", target));

        assertThat(events(sent, "CLICK")).isEqualTo(1);
        assertThat(labels(sent).get("clicked_at")).isNotNull();
        assertThat(labels(sent).get("opened_at")).isNotNull();
        assertThat(jdbc.queryForObject("SELECT details->>'url' FROM event_log WHERE delivery_id = ? AND type = "
                + "'CLICK'", String.class, sent.deliveryId())).isEqualTo(target);
    }

    @Test
    void aLinkWrittenWithSpacesOrChineseInTheTemplateStillRedirects() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("space-" + System.nanoTime() + "@example.test");

        mvc.perform(at(urls.click(sent.token(), "https://shop.example/春季 sale?q=a b")))
                .andExpect(status().isFound())
                .andExpect(header().string("Location",
                        "https://shop.example/%E6%98%A5%E5%AD%A3%20sale?q=a%20b"));
    }

    @Test
    void aTamperedOrForeignClickIsRejectedWithoutRedirect() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("tamper-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent other = fixtures.oneSent("other-" + System.nanoTime() + "@example.test");
        String good = urls.click(sent.token(), "https://shop.example/p");

        // target swapped for another site, signature kept
        mvc.perform(at(good.replace("shop.example", "evil.example")))
                .andExpectAll(problem(400, "signature"))
                .andExpect(header().doesNotExist("Location"));
        // a link signed for another delivery
        mvc.perform(at(urls.click(other.token(), "https://shop.example/p").replace(other.token(), sent.token())))
                .andExpectAll(problem(400, "signature"));
        // no signature at all: an open redirect attempt
        mvc.perform(get("/track/click/" + sent.token()).param("u", "https://evil.example/"))
                .andExpectAll(problem(400, "signature"));
        // a signed non-http link
        mvc.perform(at(urls.click(sent.token(), "javascript:alert(1)"))).andExpectAll(problem(400, "http"));

        assertThat(events(sent, "CLICK")).isZero();
        assertThat(labels(sent).get("clicked_at")).isNull();
    }

    @Test
    void theUnsubscribePageChangesNothingAndOneClickPostSuppressesTheAddressForTheSender() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("Unsub-" + System.nanoTime() + "@Example.test");

        String page = mvc.perform(at(urls.unsubscribe(sent.token())))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.TEXT_HTML))
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("<form method=\"post\" action=\"" + urls.unsubscribe(sent.token()) + "\"")
                .contains("name=\"List-Unsubscribe\" value=\"One-Click\"");
        assertThat(events(sent, "UNSUBSCRIBE")).isZero();

        // RFC 8058: what a mail client sends for List-Unsubscribe-Post
        for (int i = 0; i < 2; i++) {
            mvc.perform(post(URI.create(urls.unsubscribe(sent.token())).getRawPath())
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                            .content("List-Unsubscribe=One-Click"))
                    .andExpect(status().isOk());
        }

        assertThat(events(sent, "UNSUBSCRIBE")).isEqualTo(2);
        assertThat(labels(sent).get("unsubscribed_at")).isNotNull();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM suppressions
                 WHERE owner_id = 1 AND reason = 'UNSUBSCRIBED'
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, sent.email())).isEqualTo(1);
        mvc.perform(post("/unsubscribe/nosuchtoken")).andExpect(status().isNotFound());
        mvc.perform(get("/unsubscribe/nosuchtoken")).andExpect(status().isNotFound());
    }

    /**
     * INV-7 for a running task: the one-click unsubscribe of last week's mail also stops this week's task's delivery
     * to the address, whether it is still PENDING or already claimed by a send batch that has not marked it attempted
     * (its lane finds it no longer its own). A delivery already marked attempted is the one mail that may still go.
     * Each stopped one ends SKIPPED (SUPPRESSED) with its quota unit back in the ledger.
     */
    @Test
    void unsubscribingStopsTheRunningTasksDeliveriesNotYetHandedToAProvider() throws Exception {
        SentDeliveries.Sent lastWeek = fixtures.oneSent("unsub-running-" + System.nanoTime() + "@example.test");
        long template = fixtures.template("tpl");
        long campaign = fixtures.campaign("this week");
        long set = fixtures.templateSet(template);
        long pendingTask = fixtures.task(campaign, 1, set);
        long claimedTask = fixtures.task(campaign, 2, set);
        long attemptedTask = fixtures.task(campaign, 3, set);
        for (long task : List.of(pendingTask, claimedTask, attemptedTask)) {
            jdbc.update("UPDATE tasks SET audience_size = 1 WHERE id = ?", task); // resolved: it holds its PENDING
        }
        long pending = fixtures.sent(campaign, pendingTask, template, lastWeek.contactId(), "PENDING", null)
                .deliveryId();
        long claimed = fixtures.sent(campaign, claimedTask, template, lastWeek.contactId(), "PENDING", null)
                .deliveryId();
        long attempted = fixtures.sent(campaign, attemptedTask, template, lastWeek.contactId(), "PENDING", null)
                .deliveryId();
        // as a send batch's claim leaves them; the third's group is marked attempted already
        jdbc.update("UPDATE deliveries SET status = 'SENDING', claim_token = 'sender-service-1/run/' || id "
                + "WHERE id IN (?, ?)", claimed, attempted);
        jdbc.update("UPDATE deliveries SET attempted_at = now() WHERE id = ?", attempted);
        long balance = jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class);

        mvc.perform(post(URI.create(urls.unsubscribe(lastWeek.token())).getRawPath())
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .content("List-Unsubscribe=One-Click"))
                .andExpect(status().isOk());

        assertThat(jdbc.queryForMap("SELECT status, skip_reason, claim_token FROM deliveries WHERE id = ?", pending))
                .containsEntry("status", "SKIPPED").containsEntry("skip_reason", "SUPPRESSED")
                .containsEntry("claim_token", "no claim");
        assertThat(jdbc.queryForMap("SELECT status, skip_reason, attempted_at FROM deliveries WHERE id = ?", claimed))
                .containsEntry("status", "SKIPPED").containsEntry("skip_reason", "SUPPRESSED")
                .containsEntry("attempted_at", null);
        assertThat(jdbc.queryForMap("SELECT status, skip_reason FROM deliveries WHERE id = ?", attempted))
                .as("handed to the provider already: its outcome is the send's")
                .containsEntry("status", "SENDING").containsEntry("skip_reason", null);
        assertThat(jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class))
                .as("two units back: the PENDING one's and the claimed one's").isEqualTo(balance + 2);
        assertThat(jdbc.queryForList("SELECT reference FROM user_quota_ledger WHERE user_id = 1 "
                + "AND reason = 'SKIP_REFUND' AND delta = 1 AND reference IN (?, ?, ?)", String.class,
                "task:" + pendingTask, "task:" + claimedTask, "task:" + attemptedTask))
                .containsExactlyInAnyOrder("task:" + pendingTask, "task:" + claimedTask);
        assertThat(jdbc.queryForObject("SELECT sum(delta) FROM user_quota_ledger WHERE user_id = 1", Long.class))
                .isEqualTo(jdbc.queryForObject("SELECT quota_balance FROM users WHERE id = 1", Long.class));
    }

    @Test
    void aFloodFromOneAddressStillGetsPixelsAndRedirectsButStopsBeingRecorded() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("flood-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent reader = fixtures.oneSent("reader-" + System.nanoTime() + "@example.test");
        String flooder = "198.51.100." + (System.nanoTime() % 200 + 1);
        String target = "https://shop.example/flood";

        for (int i = 0; i < 400; i++) {
            mvc.perform(at(urls.openPixel(sent.token())).header("User-Agent", IPHONE).with(fromAddress(flooder)))
                    .andExpect(status().isOk()).andExpect(content().contentType(MediaType.IMAGE_GIF));
        }
        for (int i = 0; i < 50; i++) {
            mvc.perform(at(urls.click(sent.token(), target)).with(fromAddress(flooder)))
                    .andExpect(status().isFound()).andExpect(header().string("Location", target));
        }

        // the default burst of 300 lets a whole office read its mail at once; the rest is served, not recorded
        assertThat(events(sent, "OPEN")).isBetween(300L, 302L);
        assertThat(events(sent, "CLICK")).isLessThanOrEqualTo(2);
        // another address is not held back by the flood
        mvc.perform(at(urls.openPixel(reader.token())).header("User-Agent", IPHONE)
                .with(fromAddress("192.0.2.44"))).andExpect(status().isOk());
        assertThat(events(reader, "OPEN")).isEqualTo(1);
    }

    @Test
    void unsubscribeFloodsFromOneAddressAre429s() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("unsub-flood-" + System.nanoTime() + "@example.test");
        String flooder = "198.51.100." + (System.nanoTime() % 50 + 201);
        int ok = 0;
        int limited = 0;
        for (int i = 0; i < 30; i++) {
            int status = mvc.perform(post(URI.create(urls.unsubscribe(sent.token())).getRawPath())
                            .contentType(MediaType.APPLICATION_FORM_URLENCODED).content("List-Unsubscribe=One-Click")
                            .with(fromAddress(flooder)))
                    .andReturn().getResponse().getStatus();
            if (status == 200) {
                ok++;
            } else if (status == 429) {
                limited++;
            }
        }
        assertThat(ok).isBetween(20, 22);
        assertThat(limited).isEqualTo(30 - ok);
        mvc.perform(post(URI.create(urls.unsubscribe(sent.token())).getRawPath()).with(fromAddress(flooder)))
                .andExpectAll(problem(429, "too many"))
                .andExpect(header().exists("Retry-After"));
        // a reader elsewhere still unsubscribes
        mvc.perform(post(URI.create(urls.unsubscribe(sent.token())).getRawPath()).with(fromAddress("192.0.2.45")))
                .andExpect(status().isOk());
    }
}
