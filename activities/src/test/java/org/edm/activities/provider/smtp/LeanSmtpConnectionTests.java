package org.edm.activities.provider.smtp;

import org.edm.activities.delivery.MailSendException;
import org.edm.activities.delivery.MailSendException.Kind;
import org.edm.activities.delivery.OutgoingMail;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
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

    /** Sends {@code mails} through one lane in order, each with the rest as the lane's look-ahead. */
    private static java.util.List<Object> run(org.edm.activities.delivery.MailProvider.Lane lane, OutgoingMail... mails) {
        java.util.List<Object> outcomes = new java.util.ArrayList<>();
        for (int i = 0; i < mails.length; i++) {
            try {
                outcomes.add(lane.send(mails[i], java.util.List.of(mails).subList(i + 1, mails.length)));
            } catch (MailSendException e) {
                outcomes.add(e.kind());
            }
        }
        return outcomes;
    }

    @Test
    void aLaneSendsTheNextEnvelopeBehindEachMessageOnOneConnection() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> null); SmtpMailProvider provider = provider(server)) {
            try (var lane = provider.lane()) {
                assertThat(run(lane, mail(1), mail(2), mail(3))).containsExactly("Q1", "Q2", "Q3");
            }
            assertThat(server.sentBehindDot).as("messages 2 and 3: one round trip each").hasValue(2);
            assertThat(server.connections).hasValue(1);
            assertThat(server.messages).hasSize(3);
            for (int n = 1; n <= 3; n++) {
                assertThat(server.messages.get(n - 1)).contains("To: reader-" + n + "@example.test\r\n");
            }
            assertThat(server.commands).filteredOn(c -> c.startsWith("RCPT")).containsExactly(
                    "RCPT TO:<reader-1@example.test>", "RCPT TO:<reader-2@example.test>",
                    "RCPT TO:<reader-3@example.test>");
            assertThat(provider.send(mail(4))).as("the lane gave its connection back").isEqualTo("Q4");
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void withoutPipeliningALaneSendsOneCommandAtATime() throws Exception {
        try (ScriptedSmtpServer server = server(false, line -> null); SmtpMailProvider provider = provider(server);
             var lane = provider.lane()) {
            assertThat(run(lane, mail(1), mail(2), mail(3))).containsExactly("Q1", "Q2", "Q3");
            assertThat(server.sentBehindDot).hasValue(0);
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void aMessageRefusedMidLaneFailsAloneAndTheNextGoesOutWithTheEnvelopeAhead() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        Function<String, String> script = line -> line.equals(".") && ends.incrementAndGet() == 1
                ? "552 5.3.4 message too big" : line.contains("reader-3@") ? "550 5.1.1 no such user" : null;
        try (ScriptedSmtpServer server = server(true, script); SmtpMailProvider provider = provider(server);
             var lane = provider.lane()) {
            assertThat(run(lane, mail(1), mail(2), mail(3), mail(4)))
                    .containsExactly(Kind.REJECTED, "Q2", Kind.REJECTED, "Q3");
            assertThat(server.messages).noneMatch(m -> m.contains("reader-3@"));
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void aReplyLostAfterTheDotIsUncertainAndNothingOfTheNextMessageIsSent() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> line.equals(".") ? ScriptedSmtpServer.DROP : null);
             SmtpMailProvider provider = provider(server)) {
            try (var lane = provider.lane()) {
                // the send loop stops at an uncertain message: message 2 is never asked for
                assertThatThrownBy(() -> lane.send(mail(1), java.util.List.of(mail(2)))).isInstanceOfSatisfying(MailSendException.class,
                        e -> assertThat(e.kind()).isEqualTo(Kind.UNCERTAIN));
            }
            assertThat(server.messages).hasSize(1).noneMatch(m -> m.contains("reader-2@"));
        }
    }

    @Test
    void anEnvelopeAheadLostAfterTheMessageWasAcceptedGoesOutAgainOnAnotherConnection() throws Exception {
        java.util.concurrent.atomic.AtomicInteger envelopes = new java.util.concurrent.atomic.AtomicInteger();
        // the server takes message 1, then drops the connection when the envelope of message 2 arrives behind it
        Function<String, String> script = line -> line.startsWith("MAIL") && envelopes.incrementAndGet() == 2
                ? ScriptedSmtpServer.DROP : null;
        try (ScriptedSmtpServer server = server(true, script); SmtpMailProvider provider = provider(server);
             var lane = provider.lane()) {
            // message 1's reply was read: it is sent, whatever happened to the envelope behind it; message 2's
            // content never left, so it goes out on a new connection, once
            assertThat(run(lane, mail(1), mail(2))).containsExactly("Q1", "Q2");
            assertThat(server.connections).hasValue(2);
            assertThat(server.messages).hasSize(2);
            assertThat(server.messages.get(1)).contains("To: reader-2@example.test");
        }
    }

    @Test
    void aRunThatEndsWithAnEnvelopeAheadDropsThatConnectionWithoutTheMessage() throws Exception {
        try (ScriptedSmtpServer server = server(true, line -> null); SmtpMailProvider provider = provider(server)) {
            try (var lane = provider.lane()) {
                assertThat(lane.send(mail(1), java.util.List.of(mail(2)))).isEqualTo("Q1");
                // the loop stops here (a failure elsewhere in the batch): message 2 is not sent
            }
            // the server started message 2's DATA; the client closed without its content and without a dot, so the
            // server has nothing to deliver; and the connection is not pooled: the next send opens another one
            assertThat(provider.send(mail(3))).isEqualTo("Q2");
            assertThat(server.connections).hasValue(2);
            Thread.sleep(200);
            assertThat(server.messages).hasSize(2).noneMatch(m -> m.contains("reader-2@"));
        }
    }

    // --- CHUNKING (RFC 3030): whole transactions written ahead within a run, each outcome from its own replies ---

    private static ScriptedSmtpServer chunkingServer(Function<String, String> script) throws Exception {
        return new ScriptedSmtpServer(true, true, script, null);
    }

    private static OutgoingMail[] mails(int count) {
        OutgoingMail[] mails = new OutgoingMail[count];
        for (int n = 1; n <= count; n++) {
            mails[n - 1] = mail(n);
        }
        return mails;
    }

    @Test
    void withChunkingALaneWritesItsWholeRunAsBdatTransactionsAndReadsEachMessagesReplies() throws Exception {
        try (ScriptedSmtpServer server = chunkingServer(line -> null); SmtpMailProvider provider = provider(server)) {
            try (var lane = provider.lane()) {
                assertThat(run(lane, mails(4))).containsExactly("Q1", "Q2", "Q3", "Q4");
            }
            // messages 1-3 each had the next one already behind them: the run went out before any reply was read
            assertThat(server.sentBehindDot).hasValue(3);
            assertThat(server.chunks).hasValue(4);
            assertThat(server.commands).doesNotContain("DATA").filteredOn(c -> c.startsWith("BDAT"))
                    .allMatch(c -> c.matches("BDAT [0-9]+ LAST"));
            assertThat(server.messages).hasSize(4);
            // BDAT counts bytes: CRLF line ends, no dot-stuffing, as the recipient's mailbox will hold it
            assertThat(server.messages.get(0)).contains("To: reader-1@example.test\r\n")
                    .contains("<p>Body 1</p>\r\n.\r\n..two dots\r\n").endsWith("\r\n");
            assertThat(server.messages.get(3)).contains("Message-ID: <tok4@mail.example>\r\n");
            assertThat(server.connections).hasValue(1);
            assertThat(provider.send(mail(5))).as("the lane gave its connection back; DATA outside a lane")
                    .isEqualTo("Q5");
            assertThat(server.connections).hasValue(1);
            assertThat(server.commands).contains("DATA");
        }
    }

    @Test
    void withChunkingARefusalMidRunFailsThatMessageAloneAndTheOthersGetTheirOwnReplies() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        // message 1 is refused after its content, message 3's recipient is refused (so is its BDAT), the rest pass
        Function<String, String> script = line -> line.equals(".") && ends.incrementAndGet() == 1
                ? "552 5.3.4 message too big" : line.contains("reader-3@") ? "550 5.1.1 no such user" : null;
        try (ScriptedSmtpServer server = chunkingServer(script); SmtpMailProvider provider = provider(server);
             var lane = provider.lane()) {
            List<Object> outcomes = run(lane, mails(5));
            assertThat(outcomes).containsExactly(Kind.REJECTED, "Q2", Kind.REJECTED, "Q3", "Q4");
            assertThat(server.messages).hasSize(4).noneMatch(m -> m.contains("reader-3@"));
            assertThat(server.commands).as("nothing between transactions written ahead").doesNotContain("RSET");
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void withChunkingARefusedRecipientSaysWhoseFaultAndTheLastRefusalIsReset() throws Exception {
        try (ScriptedSmtpServer server = chunkingServer(line -> line.contains("reader-2@") ? "550 5.1.1 no such user"
                : null); SmtpMailProvider provider = provider(server)) {
            OutgoingMail[] run = mails(2);
            try (var lane = provider.lane()) {
                assertThat(lane.send(run[0], List.of(run[1]))).isEqualTo("Q1");
                assertThatThrownBy(() -> lane.send(run[1], List.of()))
                        .isInstanceOfSatisfying(MailSendException.class, e -> {
                            assertThat(e.kind()).isEqualTo(Kind.REJECTED);
                            assertThat(e.recipientFault()).isTrue();
                        });
            }
            // nothing was written behind it, so the transaction is reset as on the DATA path
            assertThat(server.commands).contains("RSET");
            assertThat(provider.send(mail(3))).isEqualTo("Q2");
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void withChunkingABreakMidRunLeavesTheMessagesWrittenAheadHandedOverAndNeverWritesThemAgain() throws Exception {
        java.util.concurrent.atomic.AtomicInteger ends = new java.util.concurrent.atomic.AtomicInteger();
        // the server takes messages 1 and 2 whole, then goes away before answering message 2 (or anything after)
        Function<String, String> script = line -> line.equals(".") && ends.incrementAndGet() == 2
                ? ScriptedSmtpServer.DROP : null;
        try (ScriptedSmtpServer server = chunkingServer(script); SmtpMailProvider provider = provider(server)) {
            OutgoingMail[] run = mails(4);
            var lane = provider.lane();
            try (lane) {
                // message 1's replies were held behind the others and are lost with the connection: UNCERTAIN
                assertThatThrownBy(() -> lane.send(run[0], List.of(run).subList(1, 4)))
                        .isInstanceOfSatisfying(MailSendException.class, e -> assertThat(e.kind())
                                .isEqualTo(Kind.UNCERTAIN));
                // the send loop stops there; a lane asked for a message it wrote ahead does not write it again
                assertThatThrownBy(() -> lane.send(run[1], List.of(run).subList(2, 4)))
                        .isInstanceOfSatisfying(MailSendException.class, e -> assertThat(e.kind())
                                .isEqualTo(Kind.UNCERTAIN));
            }
            // the server had messages 1 and 2 whole: possibly queued; 3 and 4 went out too, whatever became of them
            assertThat(server.messages).hasSize(2);
            assertThat(lane.handedOverAhead(run[0])).as("its own turn: not ahead").isFalse();
            assertThat(lane.handedOverAhead(run[1])).isTrue();
            assertThat(lane.handedOverAhead(run[2])).isTrue();
            assertThat(lane.handedOverAhead(run[3])).isTrue();
            assertThat(lane.handedOverAhead(mail(1))).as("another message, even with the same address").isFalse();
            assertThat(server.connections).hasValue(1);
        }
    }

    @Test
    void withChunkingARunThatEndsWithMessagesAheadDropsTheConnectionWithoutQuit() throws Exception {
        try (ScriptedSmtpServer server = chunkingServer(line -> null); SmtpMailProvider provider = provider(server)) {
            OutgoingMail[] run = mails(3);
            var lane = provider.lane();
            try (lane) {
                assertThat(lane.send(run[0], List.of(run).subList(1, 3))).isEqualTo("Q1");
                // the loop stops here (a failure elsewhere in the batch): 2 and 3 are written, unanswered
            }
            assertThat(lane.handedOverAhead(run[1])).isTrue();
            assertThat(lane.handedOverAhead(run[2])).isTrue();
            assertThat(provider.send(mail(4))).as("the dropped connection is not pooled").isEqualTo("Q4");
            assertThat(server.connections).hasValue(2);
            assertThat(server.commands).doesNotContain("QUIT");
        }
    }

    @Test
    void withChunkingFourTwentyOneMidRunIsNotSentForThatMessageAndUncertainForTheOnesWrittenBehindIt()
            throws Exception {
        java.util.concurrent.atomic.AtomicInteger envelopes = new java.util.concurrent.atomic.AtomicInteger();
        Function<String, String> script = line -> line.startsWith("MAIL") && envelopes.incrementAndGet() == 2
                ? "421 4.3.2 shutting down" : null;
        try (ScriptedSmtpServer server = chunkingServer(script); SmtpMailProvider provider = provider(server);
             var lane = provider.lane()) {
            assertThat(run(lane, mails(3))).containsExactly("Q1", Kind.NOT_SENT, Kind.UNCERTAIN);
        }
    }

    @Test
    void withChunkingALaneWritesNoMoreThanItsLimitAheadAndSendsTheRestAfterwards() throws Exception {
        int count = SmtpMailProvider.MAX_WRITTEN_AHEAD + 6;
        try (ScriptedSmtpServer server = chunkingServer(line -> null); SmtpMailProvider provider = provider(server);
             var lane = provider.lane()) {
            List<Object> outcomes = run(lane, mails(count));
            assertThat(outcomes).hasSize(count).allMatch(o -> o instanceof String);
            assertThat(server.messages).hasSize(count);
            // two writes: the first message with the limit's worth behind it, then the rest after their replies
            assertThat(server.sentBehindDot).hasValue(count - 2);
        }
    }

    @Test
    void bdatContentIsTheMessageWithCrlfLineEnds() {
        byte[] crlf = "a\r\n.b\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        assertThat(LeanSmtpConnection.canonical(crlf)).as("already canonical: the same bytes").isSameAs(crlf);
        assertThat(new String(LeanSmtpConnection.canonical("a\nb\rc\r\nd".getBytes(
                java.nio.charset.StandardCharsets.US_ASCII)), java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("a\r\nb\r\nc\r\nd\r\n");
    }
}
