package org.edm.api.send;

import io.temporal.client.WorkflowOptions;
import org.edm.api.temporal.TemporalGateway;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.apisend.ApiSendInput;
import org.edm.workflows.apisend.ApiSendWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Tells the {@code api-send} dispatcher that messages are queued, after their transaction committed and off the
 * request thread, so a 202 never waits for Temporal. Requests arriving while a signal is on its way collapse into
 * the next one, and signals leave at most every {@link #MIN_GAP_MILLIS} ms: under a steady stream of sends the
 * dispatcher's send activity is busy anyway (it keeps claiming while messages are due), and every signal costs a
 * workflow task and history events, which at hundreds of sends a second took CPU from the sends themselves. The
 * first send after a quiet spell is signalled at once; a later one waits at most the gap. Signal-with-start: a
 * dispatcher that is not running is started. If Temporal cannot be reached nothing is lost: the messages are QUEUED in PostgreSQL and the
 * dispatcher's sweep (or the next request's signal) finds them. Goes through the api's one way to Temporal,
 * {@link TemporalGateway}; the workflow options are built once (the signal thread is the only caller).
 */
@Component
class ApiSendSignal {

    private static final Logger log = LoggerFactory.getLogger(ApiSendSignal.class);

    static final long MIN_GAP_MILLIS = 200;

    private static final WorkflowOptions DISPATCHER = WorkflowOptions.newBuilder()
            .setTaskQueue(TaskQueues.API_SEND)
            .setWorkflowId(ApiSendWorkflow.WORKFLOW_ID)
            .build();

    private final TemporalGateway temporal;
    /** When the last signal left (the sender thread's own clock; read and written only there). */
    private long lastSentNanos = System.nanoTime() - MIN_GAP_MILLIS * 2_000_000;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "edm-api-send-signal");
        t.setDaemon(true);
        return t;
    });

    ApiSendSignal(TemporalGateway temporal) {
        this.temporal = temporal;
    }

    void messagesQueued() {
        if (pending.compareAndSet(false, true)) {
            sender.execute(this::signal);
        }
    }

    private void signal() {
        long wait = MIN_GAP_MILLIS - (System.nanoTime() - lastSentNanos) / 1_000_000;
        if (wait > 0) {
            try {
                // requests committed meanwhile find the signal pending and collapse into it
                Thread.sleep(wait);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        // cleared before the RPC: a request committed from here on asks for one more signal
        pending.set(false);
        lastSentNanos = System.nanoTime();
        try {
            temporal.signalWithStart(ApiSendWorkflow.class, DISPATCHER, wf -> wf::run, ApiSendInput.defaults(),
                    wf -> wf::messagesQueued);
        } catch (RuntimeException e) {
            log.warn("could not signal {} (queued messages wait for its sweep): {}", ApiSendWorkflow.WORKFLOW_ID,
                    e.toString());
        }
    }

    @jakarta.annotation.PreDestroy
    void stop() {
        sender.shutdownNow();
    }
}
