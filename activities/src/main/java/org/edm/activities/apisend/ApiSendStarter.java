package org.edm.activities.apisend;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.apisend.ApiSendInput;
import org.edm.workflows.apisend.ApiSendWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes sure the {@code api-send} dispatcher runs: every worker tries to start it when it comes up, the first one
 * wins. With the api's signal-with-start and the dispatcher's periodic sweep, a queued message never depends on
 * one signal getting through. Off on the in-memory test server (a forever loop under time skipping).
 */
@Component
class ApiSendStarter implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(ApiSendStarter.class);

    private final ObjectProvider<WorkflowClient> client;
    private final boolean enabled;

    ApiSendStarter(ObjectProvider<WorkflowClient> client,
                   @Value("${spring.temporal.test-server.enabled:false}") boolean testServer) {
        this.client = client;
        this.enabled = !testServer;
    }

    @Override
    public void run(ApplicationArguments args) {
        WorkflowClient workflows = client.getIfAvailable();
        if (!enabled || workflows == null) {
            return;
        }
        ApiSendWorkflow dispatcher = workflows.newWorkflowStub(ApiSendWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.API_SEND)
                .setWorkflowId(ApiSendWorkflow.WORKFLOW_ID)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
        try {
            WorkflowClient.start(dispatcher::run, ApiSendInput.defaults());
            log.info("started {}", ApiSendWorkflow.WORKFLOW_ID);
        } catch (WorkflowExecutionAlreadyStarted running) {
            log.debug("{} already running", ApiSendWorkflow.WORKFLOW_ID);
        } catch (RuntimeException e) {
            log.warn("could not start {}: {}", ApiSendWorkflow.WORKFLOW_ID, e.toString());
        }
    }
}
