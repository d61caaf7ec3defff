package org.edm.api.webhook;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * DirectMail events as an MNS HTTP subscription pushes them, signed like MNS signs (RSA-SHA1 over the canonical
 * string) with a signing certificate issued by a test CA the api trusts ({@link MnsTestPki}). Fixtures:
 * src/test/resources/webhooks/aliyun-dm.
 */
class AliyunDmWebhookTests extends ApiTestSupport {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static MnsTestPki pki;

    SentDeliveries fixtures;

    @BeforeAll
    static void certificates() {
        pki = MnsTestPki.get();
    }

    @BeforeEach
    void fixtures() {
        fixtures = new SentDeliveries(jdbc);
    }

    private static String certUrl() {
        return MnsTestPki.MNS_CERT_URL;
    }

    /** DirectMail's documented delivered sample for this delivery, as the MNS message. */
    static String directMailMessage(SentDeliveries.Sent sent) throws IOException {
        return new ClassPathResource("webhooks/aliyun-dm/directmail-message.txt")
                .getContentAsString(StandardCharsets.UTF_8).strip()
                .replace("{{ENV_ID}}", "pm-" + sent.token()).replace("{{RCPT}}", sent.email())
                .replace("{{RECV_TIME}}", DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                        .format(Instant.now().atZone(ZoneId.of("Asia/Shanghai"))));
    }

    static String jsonNotification(String mnsMessageId, String message, String tag) throws IOException {
        return new ClassPathResource("webhooks/aliyun-dm/mns-notification.json")
                .getContentAsString(StandardCharsets.UTF_8)
                .replace("{{MNS_MESSAGE_ID}}", mnsMessageId)
                .replace("\"{{MESSAGE}}\"", JSON.writeValueAsString(message))
                .replace("{{TAG}}", tag);
    }

    static String xmlNotification(String mnsMessageId, String message, String tag) throws IOException {
        return new ClassPathResource("webhooks/aliyun-dm/mns-notification.xml")
                .getContentAsString(StandardCharsets.UTF_8)
                .replace("{{MNS_MESSAGE_ID}}", mnsMessageId)
                .replace("{{MESSAGE}}", message.replace("&", "&amp;").replace("<", "&lt;"))
                .replace("{{TAG}}", tag);
    }

    /** A push as MNS makes it: the headers of its documented example, signed over the canonical string. */
    private ResultActions push(String path, String body, String contentType, Instant date, String certUrl,
                               Map<String, String> override) throws Exception {
        return push(path, path, body, body, contentType, date, certUrl, override);
    }

    /** Signed for {@code signedPath} and {@code body}; sent to {@code path} with {@code sentBody}. */
    private ResultActions push(String path, String signedPath, String body, String sentBody, String contentType,
                               Instant date, String certUrl, Map<String, String> override) throws Exception {
        return push(pki.signingKey, path, signedPath, body, sentBody, contentType, date, certUrl, override);
    }

    private ResultActions push(PrivateKey signingKey, String path, String signedPath, String body, String sentBody,
                               String contentType, Instant date, String certUrl, Map<String, String> override)
            throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> mnsHeaders = new TreeMap<>();
        mnsHeaders.put("x-mns-request-id", "57458276F0E3D56D7C00" + System.nanoTime());
        mnsHeaders.put("x-mns-signing-cert-url", Base64.getEncoder()
                .encodeToString(certUrl.getBytes(StandardCharsets.UTF_8)));
        mnsHeaders.put("x-mns-version", "2015-06-06");
        String md5 = MnsSignature.contentMd5(bytes);
        String dateHeader = DateTimeFormatter.RFC_1123_DATE_TIME.format(date.atZone(ZoneOffset.UTC));
        StringBuilder toSign = new StringBuilder("POST\n" + md5 + "\n" + contentType + "\n" + dateHeader + "\n");
        mnsHeaders.forEach((k, v) -> toSign.append(k).append(':').append(v).append('\n'));
        toSign.append(signedPath);
        Signature rsa = Signature.getInstance("SHA1withRSA");
        rsa.initSign(signingKey);
        rsa.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new TreeMap<>(mnsHeaders);
        headers.put("Authorization", Base64.getEncoder().encodeToString(rsa.sign()));
        headers.put("Content-MD5", md5);
        headers.put("Date", dateHeader);
        headers.putAll(override);
        MockHttpServletRequestBuilder request = post(path).contentType(contentType)
                .content(sentBody.getBytes(StandardCharsets.UTF_8));
        headers.forEach((k, v) -> {
            if (v != null) {
                request.header(k, v);
            }
        });
        return mvc.perform(request);
    }

    private ResultActions push(String path, String body, String contentType) throws Exception {
        return push(path, body, contentType, Instant.now(), certUrl(), Map.of());
    }

    private long events(SentDeliveries.Sent sent, String type) {
        return jdbc.queryForObject("SELECT count(*) FROM event_log WHERE delivery_id = ? AND type = ?", Long.class,
                sent.deliveryId(), type);
    }

    @Test
    void aSignedJsonPushOfTheDocumentedDeliveredSampleIsRecordedOnceEvenWhenMnsRetries() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("dm-ok-" + System.nanoTime() + "@example.test");
        String body = jsonNotification("6CC4D900CA59A2CD-1-" + sent.token(), directMailMessage(sent), "");

        // the sample names no event type: this subscription's endpoint says it
        push("/webhooks/aliyun-dm/delivered", body, "application/json;charset=utf-8")
                .andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));
        push("/webhooks/aliyun-dm/delivered", body, "application/json;charset=utf-8")
                .andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(0))
                .andExpect(jsonPath("$.duplicates").value(1));

        assertThat(events(sent, "DELIVERED")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT external_id FROM event_log WHERE delivery_id = ? AND type = "
                + "'DELIVERED'", String.class, sent.deliveryId())).isEqualTo("aliyun-dm:mns:6CC4D900CA59A2CD-1-"
                + sent.token());
    }

    @Test
    void aSignedXmlPushOfAFailureBouncesAndSuppressesAndAnOpenByTagSetsTheLabel() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("dm-xml-" + System.nanoTime() + "@example.test");
        SentDeliveries.Sent opened = fixtures.oneSent("dm-open-" + System.nanoTime() + "@example.test");

        push("/webhooks/aliyun-dm/failed", xmlNotification("F-" + sent.token(), directMailMessage(sent), ""),
                "text/xml;charset=utf-8").andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));
        // one subscription for every type: the MNS message tag (or a type field in the message) names it
        push("/webhooks/aliyun-dm", xmlNotification("O-" + opened.token(), directMailMessage(opened),
                "Deliver:Open"), "text/xml;charset=utf-8").andExpect(status().isOk())
                .andExpect(jsonPath("$.recorded").value(1));

        assertThat(events(sent, "BOUNCE")).isEqualTo(1);
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1 AND reason = 'BOUNCED'
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, sent.email())).isEqualTo(1);
        assertThat(events(opened, "OPEN")).isEqualTo(1);
        assertThat(jdbc.queryForObject("SELECT opened_at IS NOT NULL FROM campaign_contact_labels "
                + "WHERE campaign_id = ? AND contact_id = ?", Boolean.class, opened.campaignId(),
                opened.contactId())).isTrue();
    }

    @Test
    void tamperedUntrustedUnsignedAndStalePushesAreRefusedAndRecordNothing() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("dm-bad-" + System.nanoTime() + "@example.test");
        String body = jsonNotification("B-" + sent.token(), directMailMessage(sent), "");
        String type = "application/json;charset=utf-8";
        String path = "/webhooks/aliyun-dm/failed";
        int fetchesBefore = pki.fetches(certUrl());

        // the body changed after MNS signed it: the signature holds, Content-MD5 does not match
        push(path, path, body, body.replace("dm-bad-", "dm-other-"), type, Instant.now(), certUrl(), Map.of())
                .andExpectAll(problem(401, "Content-MD5"));
        // Content-MD5 changed along with the body: the signature no longer matches
        String altered = body.replace("dm-bad-", "dm-other-");
        push(path, path, body, altered, type, Instant.now(), certUrl(),
                Map.of("Content-MD5", MnsSignature.contentMd5(altered.getBytes(StandardCharsets.UTF_8))))
                .andExpectAll(problem(401, "signature"));
        // a tampered signature
        push(path, body, type, Instant.now(), certUrl(), Map.of("Authorization",
                Base64.getEncoder().encodeToString(new byte[256]))).andExpectAll(problem(401, "signature"));
        // signed for another endpoint
        push(path, "/webhooks/aliyun-dm/open", body, body, type, Instant.now(), certUrl(), Map.of())
                .andExpectAll(problem(401, "signature"));
        // a certificate from a host not on the allow-list is never fetched
        push(path, body, type, Instant.now(), "https://mns-cert.attacker.example/x509_public_certificate.pem",
                Map.of()).andExpectAll(problem(401, "not an allowed MNS address"));
        push(path, body, type, Instant.now(), "https://aliyuncs.com.attacker.example/cert.pem", Map.of())
                .andExpectAll(problem(401, "not an allowed MNS address"));
        // validly signed by MNS, but published by another Aliyun account's topic
        push(path, body.replace("\"TopicOwner\": \"TopicOwner\"", "\"TopicOwner\": \"1234567890123456\""),
                type).andExpectAll(problem(401, "TopicOwner"));
        // older than the window
        push(path, body, type, Instant.now().minusSeconds(16 * 60), certUrl(), Map.of())
                .andExpectAll(problem(401, "minutes"));
        // no Authorization
        mvc.perform(post(path).contentType(type).content(body)
                        .header("x-mns-signing-cert-url", Base64.getEncoder().encodeToString(certUrl().getBytes())))
                .andExpectAll(problem(401, "lacks"));
        // no signature of any kind
        mvc.perform(post(path).contentType(type).content(body)).andExpectAll(problem(401, "neither"));

        assertThat(events(sent, "BOUNCE")).isZero();
        assertThat(pki.fetches(certUrl()) - fetchesBefore).isLessThanOrEqualTo(1);
    }

    @Test
    void aSelfSignedCertificateInAnAllowedLookingBucketIsRefusedWithoutBeingFetched() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("dm-evil-" + System.nanoTime() + "@example.test");
        String body = jsonNotification("E-" + sent.token(), directMailMessage(sent), "");
        String path = "/webhooks/aliyun-dm/failed";

        // anyone can create a bucket under oss-cn-hangzhou.aliyuncs.com and sign with their own key
        push(pki.selfSignedKey, path, path, body, body, "application/json;charset=utf-8", Instant.now(),
                MnsTestPki.EVIL_BUCKET_URL, Map.of()).andExpectAll(problem(401, "not an allowed MNS address"));

        assertThat(pki.fetches(MnsTestPki.EVIL_BUCKET_URL)).isZero();
        assertThat(events(sent, "BOUNCE")).isZero();
        assertThat(jdbc.queryForObject("""
                SELECT count(*) FROM suppressions WHERE owner_id = 1
                   AND email_hash = sha256(convert_to(lower(?), 'UTF8'))""", Long.class, sent.email())).isZero();
    }

    @Test
    void aSelfSignedCertificateOnAnAllowedHostIsRefusedBecauseNoTrustedRootIssuedIt() throws Exception {
        SentDeliveries.Sent sent = fixtures.oneSent("dm-spoof-" + System.nanoTime() + "@example.test");
        String body = jsonNotification("S-" + sent.token(), directMailMessage(sent), "");
        String path = "/webhooks/aliyun-dm/failed";

        push(pki.selfSignedKey, path, path, body, body, "application/json;charset=utf-8", Instant.now(),
                MnsTestPki.SELF_SIGNED_ON_MNS_HOST_URL, Map.of())
                .andExpectAll(problem(401, "certificate"));

        assertThat(events(sent, "BOUNCE")).isZero();
    }

    @Test
    void theSigningCertificateIsFetchedOncePerUrl() throws Exception {
        int before = pki.fetches(certUrl());
        for (int i = 0; i < 3; i++) {
            SentDeliveries.Sent sent = fixtures.oneSent("dm-cache-" + i + "-" + System.nanoTime() + "@example.test");
            push("/webhooks/aliyun-dm/delivered", jsonNotification("C-" + sent.token(), directMailMessage(sent), ""),
                    "application/json;charset=utf-8").andExpect(status().isOk()).andExpect(jsonPath("$.recorded").value(1));
        }
        assertThat(pki.fetches(certUrl()) - before).isLessThanOrEqualTo(1);
        assertThat(pki.fetches(certUrl())).isEqualTo(1);
    }
}
