package org.edm.bench;

import org.edm.activities.delivery.OutgoingMail;
import org.edm.activities.provider.smtp.SmtpMailProvider;
import org.edm.activities.provider.smtp.SmtpSettings;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The benchmark's sink and the send path's lean SMTP client agree: what the benchmark measures is the path a Postfix
 * server gets (the sink offers PIPELINING and CHUNKING and flushes its replies per group; the send lanes write each
 * run as BDAT transactions, or without CHUNKING put each next envelope behind the previous message), logged in, from
 * several threads, and every message the client reports sent is one the sink counted, once. And the sink speaks
 * BDAT as Postfix does.
 */
class CountingSmtpSinkTests {

    @Test
    void theLeanClientWritesEveryMessageIntoTheSinkWithBdat() throws Exception {
        sendThroughLanes(true);
    }

    @Test
    void withoutChunkingTheLeanClientPipelinesEveryMessageIntoTheSink() throws Exception {
        sendThroughLanes(false);
    }

    /**
     * The benchmark's baseline stays what it was: Jakarta Mail (Angus) uses BDAT only when told to
     * ({@code mail.smtp.chunksize}), so the plain loop sends with DATA whether the sink offers CHUNKING or not.
     */
    @Test
    void plainJakartaMailSendsWithDataEvenWhenTheSinkOffersChunking() throws Exception {
        try (CountingSmtpSink sink = new CountingSmtpSink()) {
            java.util.Properties props = new java.util.Properties();
            props.put("mail.smtp.host", "127.0.0.1");
            props.put("mail.smtp.port", String.valueOf(sink.port()));
            jakarta.mail.Session session = jakarta.mail.Session.getInstance(props);
            try (jakarta.mail.Transport transport = session.getTransport("smtp")) {
                transport.connect();
                for (int i = 0; i < 3; i++) {
                    var m = new jakarta.mail.internet.MimeMessage(session);
                    m.setFrom(new jakarta.mail.internet.InternetAddress("news@bench.example"));
                    m.setRecipient(jakarta.mail.Message.RecipientType.TO,
                            new jakarta.mail.internet.InternetAddress("c" + i + "@sink.example"));
                    m.setSubject("Hello " + i, "UTF-8");
                    m.setContent("<p>Hi " + i + "</p>", "text/html; charset=UTF-8");
                    m.saveChanges();
                    transport.sendMessage(m, m.getAllRecipients());
                }
            }
            assertThat(sink.received).hasValue(3);
            assertThat(sink.chunked).hasValue(0);
        }
    }

    /** A Postfix-like BDAT conversation, byte counts and all, by hand. */
    @Test
    void theSinkTakesBdatChunksByTheirSizeAndCountsTheMessageAtLast() throws Exception {
        try (CountingSmtpSink sink = new CountingSmtpSink();
             java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), sink.port())) {
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII));
            var out = socket.getOutputStream();
            assertThat(in.readLine()).startsWith("220");
            out.write("EHLO me\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line;
            List<String> ehlo = new ArrayList<>();
            do {
                line = in.readLine();
                ehlo.add(line);
            } while (line.startsWith("250-"));
            assertThat(ehlo).contains("250-PIPELINING", "250 CHUNKING");
            // a BDAT without a recipient is refused, its bytes (a line "MAIL FROM" among them) skipped, not read
            // as commands; then one message in two chunks, the second LAST, all in one write
            String chunk1 = "Subject: x\r\n\r\n";
            String chunk2 = "MAIL FROM:<no>\r\n.\r\n";
            String chunk0 = "RCPT TO:<a@b>\r\n";
            out.write(("BDAT " + chunk0.length() + " LAST\r\n" + chunk0
                    + "MAIL FROM:<a@b>\r\nRCPT TO:<c@d>\r\nBDAT " + chunk1.length() + "\r\n" + chunk1
                    + "BDAT " + chunk2.length() + " LAST\r\n" + chunk2 + "NOOP\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("554 ");
            assertThat(in.readLine()).as("MAIL").startsWith("250 ");
            assertThat(in.readLine()).as("RCPT").startsWith("250 ");
            assertThat(in.readLine()).isEqualTo("250 2.0.0 Ok: " + chunk1.length() + " bytes");
            assertThat(in.readLine()).isEqualTo("250 2.0.0 Ok: queued as 1");
            assertThat(in.readLine()).as("NOOP, after the chunk's exact bytes").startsWith("250 ");
            assertThat(sink.received).hasValue(1);
            // LAST ended the transaction: a BDAT without a new envelope is refused
            out.write("BDAT 3 LAST\r\nabc".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("554 ");
            assertThat(sink.received).hasValue(1);
        }
    }

    private static void sendThroughLanes(boolean chunking) throws Exception {
        try (CountingSmtpSink sink = new CountingSmtpSink(chunking);
             SmtpMailProvider provider = new SmtpMailProvider(SmtpSettings.parse(
                     "{\"host\":\"127.0.0.1\",\"port\":" + sink.port() + ",\"username\":\"bench\"}", "bench.example"),
                     "secret", 4)) {
            ExecutorService lanes = Executors.newFixedThreadPool(4);
            try {
                List<Callable<Integer>> work = new ArrayList<>();
                for (int lane = 0; lane < 4; lane++) {
                    int base = lane * 250;
                    work.add(() -> {
                        List<OutgoingMail> mails = new ArrayList<>();
                        for (int n = base; n < base + 250; n++) {
                            mails.add(new OutgoingMail(n, "news@bench.example", "c" + n + "@example.test",
                                    "Hello " + n, "<p>Hi\n.\n" + n + "</p>", "<t" + n + "@bench.example>", Map.of()));
                        }
                        // as the send loop's lanes send: runs of 10, each with the rest of its run to write ahead
                        for (int from = 0; from < mails.size(); from += 10) {
                            try (var run = provider.lane()) {
                                for (int i = from; i < from + 10; i++) {
                                    assertThat(run.send(mails.get(i), mails.subList(i + 1, from + 10)))
                                            .as("the sink's queue id").matches("[0-9]+");
                                }
                            }
                        }
                        return 250;
                    });
                }
                int sent = 0;
                for (Future<Integer> lane : lanes.invokeAll(work)) {
                    sent += lane.get();
                }
                assertThat(sent).isEqualTo(1_000);
            } finally {
                lanes.shutdownNow();
            }
            assertThat(sink.received).hasValue(1_000);
            assertThat(sink.chunked).as("messages that came with BDAT").hasValue(chunking ? 1_000 : 0);
        }
    }
}
