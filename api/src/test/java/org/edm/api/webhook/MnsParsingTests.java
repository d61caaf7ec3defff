package org.edm.api.webhook;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The MNS certificate allow-list and DirectMail message reading, without Spring. */
class MnsParsingTests {

    private final MnsSignature defaults = new MnsSignature(url -> {
        throw new AssertionError("not fetched in these tests");
    }, new MnsTrust("", "", true), MnsSignature.DEFAULT_CERT_HOSTS, "https", Duration.ofMinutes(15));

    @Test
    void onlyTheHttpsHostsMnsDocumentsMayServeTheSigningCertificate() {
        assertThat(defaults.trusted(URI.create("https://mnstest.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem")))
                .isTrue();
        assertThat(defaults.trusted(URI.create("https://mns-cert.oss-cn-shanghai.aliyuncs.com/cert.pem"))).isTrue();
        assertThat(defaults.trusted(URI.create("http://mnstest.oss-cn-hangzhou.aliyuncs.com/cert.pem"))).isFalse();
        assertThat(defaults.trusted(URI.create("https://aliyuncs.com.attacker.example/cert.pem"))).isFalse();
        assertThat(defaults.trusted(URI.create("https://attackeraliyuncs.com/cert.pem"))).isFalse();
        assertThat(defaults.trusted(URI.create("https://user@mnstest.oss-cn-hangzhou.aliyuncs.com/cert.pem")))
                .isFalse();
        assertThat(defaults.trusted(URI.create("file:///etc/passwd"))).isFalse();
        // anyone may own a bucket under oss-cn-<region>.aliyuncs.com: only MNS's own buckets count
        assertThat(defaults.trusted(URI.create("https://evil-bucket.oss-cn-hangzhou.aliyuncs.com/x509_public_certificate.pem")))
                .isFalse();
        assertThat(defaults.trusted(URI.create("https://mns-cert.oss-cn-hangzhou.evil.aliyuncs.com/cert.pem"))).isFalse();
        assertThat(defaults.trusted(URI.create("https://x.mnstest.oss-cn-hangzhou.aliyuncs.com/cert.pem"))).isFalse();
        assertThat(defaults.trusted(URI.create("https://mnstest.oss-cn-hangzhou.aliyuncs.com:8443/cert.pem"))).isFalse();
    }

    @Test
    void aSimplifiedDirectMailMessageIsReadAsIsAndKeepsAPlusInTheAddress() {
        String message = "X-Notify-Message-ID=3121639760461820&env_id=12769055421"
                + "&msg_id=37483d95-7a08-41fb-9738-3d3ffa24d415@example.com&account=example@example.com"
                + "&from=a***@example.net&rcpt=a.b+news@example.com&recv_time=2017-03-29 14:22:41";
        AliyunDmNotification.Envelope envelope = AliyunDmNotification
                .envelope(message.getBytes(StandardCharsets.UTF_8)).orElseThrow();

        ProviderEvent event = AliyunDmNotification.parse(envelope, "delivered", Instant.now(), "digest")
                .orElseThrow();

        assertThat(envelope.topicOwner()).isNull();
        assertThat(event.messageId()).isEqualTo("12769055421");
        assertThat(event.recipient()).isEqualTo("a.b+news@example.com");
        assertThat(event.at()).isEqualTo(Instant.parse("2017-03-29T06:22:41Z"));
        assertThat(event.dedupeKey()).isEqualTo("digest");
        // without a type in the message, the tag or the path, it is not guessed
        assertThat(AliyunDmNotification.parse(envelope, null, Instant.now(), "digest")).isEmpty();
    }

    @Test
    void anXmlNotificationWithADoctypeIsNotRead() {
        String xxe = """
                <?xml version="1.0"?><!DOCTYPE n [<!ENTITY x SYSTEM "file:///etc/passwd">]>
                <Notification><MessageId>1</MessageId><Message>&x;</Message></Notification>""";
        assertThat(AliyunDmNotification.envelope(xxe.getBytes(StandardCharsets.UTF_8))).isEmpty();
    }

    @Test
    void aJsonMessageNamesItsOwnType() {
        String body = """
                {"TopicOwner": "1", "MessageId": "m", "Message": "{\\"type\\": \\"dm:Trace:Click\\", \\"data\\": \
                {\\"env_id\\": \\"42\\", \\"url\\": \\"https://shop.example/\\"}}"}""";
        AliyunDmNotification.Envelope envelope = AliyunDmNotification.envelope(body.getBytes(StandardCharsets.UTF_8))
                .orElseThrow();
        ProviderEvent event = AliyunDmNotification.parse(envelope, null, Instant.now(), "d").orElseThrow();
        assertThat(event.type()).isEqualTo(org.edm.domain.tracking.EventType.CLICK);
        assertThat(event.messageId()).isEqualTo("42");
        assertThat(event.url()).isEqualTo("https://shop.example/");
        assertThat(event.dedupeKey()).isEqualTo("mns:m");
    }
}
