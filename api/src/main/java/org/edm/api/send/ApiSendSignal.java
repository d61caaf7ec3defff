package org.edm.api.send;

import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
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
 * the next one (one RPC per burst, not per message). Signal-with-start: a dispatcher that is not running is
 * started. If Temporal cannot be reached nothing is lost: the messages are QUEUED in PostgreSQL and the
 * dispatcher's sweep (or the next request's signal) finds them.
 */
@Component
class ApiSendSignal {

    private static final Logger log = LoggerFactory.getLogger(ApiSendSignal.class);

    private final WorkflowClient client;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ExecutorService sender = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "edm-api-send-signal");
        t.setDaemon(true);
        return t;
    });

    ApiSendSignal(WorkflowClient client) {
        this.client = client;
    }

    void messagesQueued() {
        if (pending.compareAndSet(false, true)) {
            sender.execute(this::signal);
        }
    }

    private void signal() {
        // cleared before the RPC: a request committed from here on asks for one more signal
        pending.set(false);
        try {
            ApiSendWorkflow dispatcher = client.newWorkflowStub(ApiSendWorkflow.class, WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.API_SEND)
                    .setWorkflowId(ApiSendWorkflow.WORKFLOW_ID)
                    .build());
            BatchRequest request = client.newSignalWithStartRequest();
            request.add(dispatcher::run, ApiSendInput.defaults());
            request.add(dispatcher::messagesQueued);
            client.signalWithStart(request);
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
