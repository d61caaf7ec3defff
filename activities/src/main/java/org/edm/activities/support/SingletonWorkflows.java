package org.edm.activities.support;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.edm.workflows.TaskQueues;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.function.Consumer;

/**
 * Starts a workflow of which exactly one runs (alerts, housekeeping, the mailbox poller, the api-send dispatcher):
 * every worker tries when it comes up, the first
 * one wins, the others find it running. A failure to start is logged, not thrown: the worker still serves everything
 * else and the next worker start tries again.
 */
public final class SingletonWorkflows {

    private static final Logger log = LoggerFactory.getLogger(SingletonWorkflows.class);

    private SingletonWorkflows() {
    }

    /** {@code start}: starts the stub's workflow method, e.g. {@code w -> WorkflowClient.start(w::run, input)}. */
    public static <W> void startOnce(WorkflowClient client, Class<W> workflow, String workflowId, Consumer<W> start) {
        startOnce(client, TaskQueues.EDM, workflow, workflowId, start);
    }

    /** As {@link #startOnce(WorkflowClient, Class, String, Consumer)}, on another task queue. */
    public static <W> void startOnce(WorkflowClient client, String taskQueue, Class<W> workflow, String workflowId,
                                     Consumer<W> start) {
        W stub = client.newWorkflowStub(workflow, WorkflowOptions.newBuilder()
                .setTaskQueue(taskQueue)
                .setWorkflowId(workflowId)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
        try {
            start.accept(stub);
            log.info("started {}", workflowId);
        } catch (WorkflowExecutionAlreadyStarted running) {
            log.debug("{} already running", workflowId);
        } catch (RuntimeException e) {
            log.warn("could not start {}: {}", workflowId, e.toString());
        }
    }
}
