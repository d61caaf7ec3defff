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
 * (the sink offers PIPELINING and flushes its replies per group), logged in, from several threads, and every message
 * the client reports sent is one the sink counted.
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
                        for (int n = base; n < base + 250; n++) {
                            provider.send(new OutgoingMail(n, "news@bench.example", "c" + n + "@example.test",
                                    "Hello " + n, "<p>Hi\n.\n" + n + "</p>", "<t" + n + "@bench.example>", Map.of()));
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
