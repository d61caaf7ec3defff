package org.edm.api.send;

import io.temporal.client.WorkflowOptions;
import org.edm.api.temporal.TemporalGateway;
import org.edm.workflows.apisend.ApiSendWorkflow;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;

/**
 * The api's nudge to the api-send dispatcher: at once after a quiet spell, then at most one per gap however many
 * sends are accepted, and never none after the last send (a trailing signal), since a burst must not wait for the
 * dispatcher's 5 s sweep.
 */
class ApiSendSignalTests {

    private final List<Long> signalledAt = new CopyOnWriteArrayList<>();
    private final ApiSendSignal signal = new ApiSendSignal(client());

    private TemporalGateway client() {
        TemporalGateway gateway = mock(TemporalGateway.class);
        doAnswer(call -> {
            // the time first: when the call arrived, not when the assertion below was done
            signalledAt.add(System.nanoTime());
            assertThat(((WorkflowOptions) call.getArgument(1)).getWorkflowId())
                    .isEqualTo(ApiSendWorkflow.WORKFLOW_ID);
            return null;
        }).when(gateway).signalWithStart(eq(ApiSendWorkflow.class), any(WorkflowOptions.class), any(), any(), any());
        return gateway;
    }

    @AfterEach
    void stop() {
        signal.stop();
    }

    @Test
    void theFirstSendIsSignalledAtOnceAndAStreamOfSendsAtMostOncePerGapWithATrailingSignal() throws Exception {
        // one signal and a quiet spell first: the first call's class loading and lambda bootstrapping happen after
        // the gap's clock starts, and on a loaded machine made the first measured gap tens of ms short (163 ms)
        signal.messagesQueued();
        await().until(() -> signalledAt.size() == 1);
        Thread.sleep(2 * ApiSendSignal.MIN_GAP_MILLIS);
        signalledAt.clear();

        long first = System.nanoTime();
        signal.messagesQueued();
        await().until(() -> signalledAt.size() == 1);
        assertThat((signalledAt.get(0) - first) / 1_000_000).as("ms until the first signal")
                .isLessThan(ApiSendSignal.MIN_GAP_MILLIS);

        // one second of sends every 2 ms (about 500 a second)
        long end = System.nanoTime() + 1_000_000_000L;
        long lastSend = 0;
        while (System.nanoTime() < end) {
            signal.messagesQueued();
            lastSend = System.nanoTime();
            Thread.sleep(2);
        }
        long afterLastSend = lastSend;
        await().until(() -> signalledAt.get(signalledAt.size() - 1) > afterLastSend);

        int duringStream = signalledAt.size() - 1;
        assertThat(duringStream).as("signals for ~500 sends in 1 s")
                .isBetween(1, (int) (1000 / ApiSendSignal.MIN_GAP_MILLIS) + 2);
        for (int i = 1; i < signalledAt.size(); i++) {
            assertThat((signalledAt.get(i) - signalledAt.get(i - 1)) / 1_000_000).as("gap before signal " + i)
                    .isGreaterThanOrEqualTo(ApiSendSignal.MIN_GAP_MILLIS - 5);
        }
    }
}
