package org.edm.activities.provider.smtp;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.OutgoingMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.net.ServerSocket;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SmtpMailProviderTests {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("sender", "right-password"));

    private static OutgoingMail mail(int n) {
        return new OutgoingMail(n, "news@mail.example", "reader-" + n + "@example.test", "Subject " + n,
                "<p>Body " + n + "</p>", "<tok" + n + "@mail.example>", Map.of("List-Unsubscribe", "<https://u/" + n + ">"));
    }

    private SmtpSettings settings(int port) {
        return SmtpSettings.parse("{\"host\":\"127.0.0.1\",\"port\":" + port + ",\"username\":\"sender\"}",
                "mail.example");
    }

    @Test
    void sendsOverPooledConnectionsFromSeveralThreads() throws Exception {
        try (SmtpMailProvider provider = new SmtpMailProvider(settings(smtp.getSmtp().getPort()), "right-password", 4)) {
            Thread[] threads = new Thread[4];
            for (int t = 0; t < threads.length; t++) {
                int base = t * 5;
                threads[t] = new Thread(() -> {
                    for (int i = 1; i <= 5; i++) {
                        assertThat(provider.send(mail(base + i))).isNotBlank();
                    }
                });
                threads[t].start();
            }
            for (Thread thread : threads) {
                thread.join();
            }
        }
        assertThat(smtp.getReceivedMessages()).hasSize(20);
        assertThat(smtp.getReceivedMessages()[0].getHeader("Message-ID", null)).matches("<tok\\d+@mail\\.example>");
    }

    @Test
    void theLeanMessageReadsAsJakartaMailWouldHaveWrittenIt() throws Exception {
        String chinese = "<p>你好，读者 &amp; welcome</p>" + "<p>long ascii line " + "x".repeat(1200) + "</p>";
        OutgoingMail[] mails = {
                new OutgoingMail(1, "news@mail.example", "ascii@example.test", "Plain subject",
                        "<p>Hi\n.\nthere</p>", "<tok1@mail.example>", Map.of("List-Unsubscribe", "<https://u/1>")),
                new OutgoingMail(2, "news@mail.example", "cn@example.test", "春季促销 Spring sale " + "y".repeat(80),
                        chinese, "<tok2@mail.example>", Map.of("List-Unsubscribe", "<https://u/2>",
                        "List-Unsubscribe-Post", "List-Unsubscribe=One-Click"), null,
                        "bounce+tok2@mail.example")};
        try (SmtpMailProvider provider = new SmtpMailProvider(settings(smtp.getSmtp().getPort()), "right-password", 1)) {
            for (OutgoingMail mail : mails) {
                provider.send(mail);
            }
        }
        jakarta.mail.internet.MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(2);
        for (int i = 0; i < 2; i++) {
            jakarta.mail.internet.MimeMessage m = received[i];
            OutgoingMail sent = mails[i];
            assertThat(m.getSubject()).isEqualTo(sent.subject());
            assertThat(m.getFrom()[0].toString()).isEqualTo("news@mail.example");
            assertThat(m.getAllRecipients()[0].toString()).isEqualTo(sent.to());
            assertThat(m.getHeader("Message-ID", null)).isEqualTo(sent.messageId());
            assertThat(m.getHeader("List-Unsubscribe", null)).isEqualTo(sent.headers().get("List-Unsubscribe"));
            assertThat(m.getSentDate()).isNotNull();
            assertThat(m.getContentType()).isEqualToIgnoringCase("text/html; charset=UTF-8");
            assertThat(((String) m.getContent()).replace("\r\n", "\n")).isEqualTo(sent.htmlBody());
        }
        assertThat(received[0].getEncoding()).isEqualTo("7bit");
        assertThat(received[1].getEncoding()).as("mostly ASCII, long lines").isEqualTo("quoted-printable");
        assertThat(received[1].getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
        assertThat(received[1].getHeader("Return-Path", null)).as("MAIL FROM is the delivery's return path")
                .isEqualTo("<bounce+tok2@mail.example>");
        assertThat(LeanMimeMessage.transferEncoding("你好世界".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .isEqualTo("base64");
    }

    @Test
    void aRelayWithoutUsernameIsNotLoggedInto() {
        // a leftover password must not make Jakarta Mail log in as the JVM's OS user (GreenMail refuses that)
        SmtpSettings relay = SmtpSettings.parse("{\"host\":\"127.0.0.1\",\"port\":" + smtp.getSmtp().getPort() + "}",
                "mail.example");
        try (SmtpMailProvider provider = new SmtpMailProvider(relay, "", 1)) {
            assertThat(provider.send(mail(1))).isNotBlank();
        }
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void aRefusedLoginMeansNothingWasSent() {
        try (SmtpMailProvider provider = new SmtpMailProvider(settings(smtp.getSmtp().getPort()), "wrong", 1)) {
            assertThatThrownBy(() -> provider.send(mail(1)))
                    .isInstanceOfSatisfying(MailSendException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MailSendException.Kind.NOT_SENT);
                        assertThat(e.getMessage()).doesNotContain("wrong");
                    });
        }
    }

    @Test
    void anUnreachableServerMeansNothingWasSent() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (SmtpMailProvider provider = new SmtpMailProvider(settings(closedPort), "right-password", 1)) {
            assertThatThrownBy(() -> provider.send(mail(1)))
                    .isInstanceOfSatisfying(MailSendException.class,
                            e -> assertThat(e.kind()).isEqualTo(MailSendException.Kind.NOT_SENT));
        }
    }

    @Test
    void aMalformedRecipientIsRefusedForThatRecipientOnly() {
        OutgoingMail bad = new OutgoingMail(1, "news@mail.example", "not an address", "s", "b", "<t@mail.example>",
                Map.of());
        try (SmtpMailProvider provider = new SmtpMailProvider(settings(smtp.getSmtp().getPort()), "right-password", 1)) {
            assertThatThrownBy(() -> provider.send(bad))
                    .isInstanceOfSatisfying(MailSendException.class, e -> {
                        assertThat(e.kind()).isEqualTo(MailSendException.Kind.REJECTED);
                        assertThat(e.recipientFault()).isTrue();
                    });
        }
    }

    @Test
    void settingsDefaultSensibly() {
        assertThat(SmtpSettings.parse("{\"host\":\"smtp.example\",\"tls\":true}", "d"))
                .isEqualTo(new SmtpSettings("smtp.example", 587, null, true, false, "d"));
        assertThat(SmtpSettings.parse("{\"host\":\"smtp.example\",\"tls\":true,\"port\":465,\"username\":\"u\"}", "d"))
                .isEqualTo(new SmtpSettings("smtp.example", 465, "u", false, true, "d"));
        assertThatThrownBy(() -> SmtpSettings.parse("{}", "d")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theProviderMessageIdIsTheQueueIdOfTheServersReplyElseOurMessageId() {
        assertThat(SmtpMailProvider.providerMessageId("250 2.0.0 Ok: queued as 4Bx1yZ", "<t@d>")).isEqualTo("4Bx1yZ");
        assertThat(SmtpMailProvider.providerMessageId("250 OK QUEUED AS\tAB-12 (more)", "<t@d>")).isEqualTo("AB-12");
        assertThat(SmtpMailProvider.providerMessageId("250-first\n250 queued as Q9", "<t@d>")).isEqualTo("Q9");
        assertThat(SmtpMailProvider.providerMessageId("250 ok", "<t@d>")).isEqualTo("<t@d>");
        assertThat(SmtpMailProvider.providerMessageId("250 queued as", "<t@d>")).isEqualTo("<t@d>");
        assertThat(SmtpMailProvider.providerMessageId("250 queued asX", "<t@d>")).isEqualTo("<t@d>");
        assertThat(SmtpMailProvider.providerMessageId(null, "<t@d>")).isEqualTo("<t@d>");
    }
}
