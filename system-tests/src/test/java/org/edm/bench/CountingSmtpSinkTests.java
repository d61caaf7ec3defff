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
 * The benchmark's sink and the send path's lean SMTP client agree: what the benchmark measures is the pipelined path
 * (the sink offers PIPELINING and flushes its replies per group; the send lanes put each next envelope behind the
 * previous message), logged in, from several threads, and every message the client reports sent is one the sink
 * counted, once.
 */
class CountingSmtpSinkTests {

    @Test
    void theLeanClientPipelinesEveryMessageIntoTheSink() throws Exception {
        try (CountingSmtpSink sink = new CountingSmtpSink();
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
                        // as the send loop's lanes send: runs of 10, each next envelope behind the previous message
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
        }
    }
}
