package org.edm.activities.provider.smtp;

import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The lean client against a scripted server: pipelining, and each refusal or break mid-pipeline classified as the
 * send loop needs it (INV-3: only a break after the message's data went out is UNCERTAIN).
 */
@Timeout(20)
class LeanSmtpConnectionTests {

    private static OutgoingMail mail(int n) {
        return new OutgoingMail(n, "news@mail.example", "reader-" + n + "@example.test", "Subject " + n,
                "<p>Body " + n + "</p>\n.\n..two dots\n", "<tok" + n + "@mail.example>", Map.of());
    }

    private static SmtpMailProvider provider(ScriptedSmtpServer server) {
        return new SmtpMailProvider(SmtpSettings.parse("{\"host\":\"127.0.0.1\",\"port\":" + server.port() + "}",
                "mail.example"), null, 2);
    }

    private static ScriptedSmtpServer server(boolean pipelining, Function<String, String> script) throws Exception {
        return new ScriptedSmtpServer(pipelining, script);
    }

    private static ScriptedSmtpServer server(boolean pipelining, Function<String, String> script,
                                             java.util.concurrent.CountDownLatch stallDataUntil) throws Exception {
        return new ScriptedSmtpServer(pipelining, script, stallDataUntil);
    }

    @Test
    void pipelinesTheEnvelopeDotStuffsAndReusesTheConnection() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> null); SmtpMailProvider provider = provider(server)) {
            for (int n = 1; n <= 3; n++) {
                // the server withholds its envelope replies until DATA: a client that waited would hang here
                assertThat(provider.send(mail(n))).as("the queue id from the server's reply").isEqualTo("Q" + n);
            }
            assertThat(server.connections).hasValue(1);
            assertThat(server.commands).contains("EHLO mail.example", "MAIL FROM:<news@mail.example>",
                    "RCPT TO:<reader-2@example.test>");
            assertThat(server.messages).hasSize(3);
            assertThat(server.messages.get(0))
                    .contains("Message-ID: <tok1@mail.example>\r\n")
                    .contains("<p>Body 1</p>\r\n..\r\n...two dots\r\n");
        }
    }

    @Test
    void withoutPipeliningTheCommandsGoOneByOne() throws Exception {
        try (ScriptedSmtpServer server = server(false, line -> null); SmtpMailProvider provider = provider(server)) {
            assertThat(provider.send(mail(1))).isEqualTo("Q1");
            assertThat(provider.send(mail(2))).isEqualTo("Q2");
            assertThat(server.messages).hasSize(2);
        }
    }

    @Test
    void aRefusedRecipientMidPipelineFailsThatMessageAloneAndTheConnectionGoesOn() throws Exception {
        // the server refuses the recipient, then (as servers do) the DATA that has no recipient left
        Function<String, String> script = line -> line.contains("reader-2@") ? "550 5.1.1 no such user" : null;
        try (ScriptedSmtpServer server = server(true, script); SmtpMailProvider provider = provider(server)) {
            assertThat(provider.send(mail(1))).isEqualTo("Q1");
            assertThatThrownBy(() -> provider.send(mail(2))).isInstanceOfSatisfying(MailSendException.class, e -> {
                assertThat(e.kind()).isEqualTo(Kind.REJECTED);
                assertThat(e.recipientFault()).as("says nothing about the service").isTrue();
                assertThat(e.getMessage()).contains("550");
            });
            assertThat(provider.send(mail(3))).isEqualTo("Q2");
            assertThat(server.commands).contains("RSET");
            assertThat(server.connections).as("a refusal does not cost the connection").hasValue(1);
            assertThat(server.messages).hasSize(2).noneMatch(m -> m.contains("reader-2@"));
        }
    }

    @Test
    void aRefusedSenderOrDataIsRejectedAndFourTwentyOneMeansNotSent() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> line.startsWith("MAIL") ? "451 4.3.0 try later" : null);
             SmtpMailProvider provider = provider(server)) {
            assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class, e -> {
                // as Jakarta Mail's SMTPSendFailedException was classified: the message was refused
                assertThat(e.kind()).isEqualTo(Kind.REJECTED);
                assertThat(e.recipientFault()).isFalse();
            });
            assertThat(server.messages).isEmpty();
        }
        try (ScriptedSmtpServer server = server(true, line -> line.startsWith("RCPT") ? "421 4.3.2 shutting down"
                : null); SmtpMailProvider provider = provider(server)) {
            assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.NOT_SENT));
        }
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        try (ScriptedSmtpServer server = server(true, line -> line.equals(".") && ends.incrementAndGet() == 1
                ? "552 5.3.4 message too big" : null); SmtpMailProvider provider = provider(server)) {
            assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));
            assertThat(provider.send(mail(2))).as("the connection is still good").isEqualTo("Q2");
        }
    }

    @Test
    void aServerThatStartsDataAfterRefusingTheEnvelopeGetsAnEmptyMessage() throws Exception {
        // RFC 2920 3.1: the client cannot take the pipelined DATA back, so it ends it at once
        try (ScriptedSmtpServer server = server(true, line -> line.startsWith("RCPT") ? "550 5.1.1 no such user"
                : line.equals("DATA") ? "354 go ahead" : null); SmtpMailProvider provider = provider(server)) {
            assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.REJECTED));
            assertThat(server.messages).containsExactly("");
        }
    }

    @Test
    void aConnectionThatBreaksMidExchangeIsUncertainAndNotReused() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> line.equals(".") ? ScriptedSmtpServer.DROP : null);
             SmtpMailProvider provider = provider(server)) {
            assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class, e -> {
                // the server has the whole message and may have queued it: never send it again (INV-3)
                assertThat(e.kind()).isEqualTo(Kind.UNCERTAIN);
                assertThat(e.getMessage()).doesNotContain("reader-1@");
            });
            assertThat(server.messages).hasSize(1);
            // the broken connection is not reused: the next message opens a new one
            assertThatThrownBy(() -> provider.send(mail(2))).isInstanceOf(MailSendException.class);
            assertThat(server.connections).hasValue(2);
        }
        try (ScriptedSmtpServer server = server(true, line -> line.startsWith("RCPT") ? ScriptedSmtpServer.DROP
                : null); SmtpMailProvider provider = provider(server)) {
            assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class,
                    e -> assertThat(e.kind()).isEqualTo(Kind.UNCERTAIN));
        }
    }

    @Test
    void aServerThatStopsReadingMidMessageTimesTheWriteOutAsUncertain() throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        try (ScriptedSmtpServer server = server(true, line -> {
            return null;
        }, release)) {
            // the server answers DATA with 354, then reads nothing until the test ends: the client's write blocks
            LeanSmtpConnection connection = LeanSmtpConnection.open(SmtpSettings.parse("{\"host\":\"127.0.0.1\",\"port\":"
                    + server.port() + "}", "mail.example"), null, "mail.example",
                    (javax.net.ssl.SSLSocketFactory) javax.net.ssl.SSLSocketFactory.getDefault(), 300);
            byte[] big = ("x".repeat(999) + "\r\n").repeat(32_000).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            assertThatThrownBy(() -> connection.send("news@mail.example", "reader@example.test", big))
                    .isInstanceOfSatisfying(MailSendException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNCERTAIN));
            assertThat(java.time.Duration.ofNanos(System.nanoTime() - started)).isLessThan(java.time.Duration.ofSeconds(10));
            assertThat(connection.usable()).isFalse();
        } finally {
            release.countDown();
        }
    }

    @Test
    void aServiceThatRequiresStartTlsSendsNothingWhenTheServerDoesNotOfferIt() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> null)) {
            SmtpSettings startTls = SmtpSettings.parse("{\"host\":\"127.0.0.1\",\"port\":" + server.port()
                    + ",\"tls\":true}", "mail.example");
            try (SmtpMailProvider provider = new SmtpMailProvider(startTls, null, 1)) {
                // STARTTLS is required and the server does not offer it: nothing goes out in the clear
                assertThatThrownBy(() -> provider.send(mail(1))).isInstanceOfSatisfying(MailSendException.class,
                        e -> {
                            assertThat(e.kind()).isEqualTo(Kind.NOT_SENT);
                            assertThat(e.getMessage()).contains("STARTTLS");
                        });
            }
            assertThat(server.commands).noneMatch(c -> c.startsWith("MAIL"));
        }
    }
}
