package org.edm.activities.apisend;

import io.temporal.client.WorkflowClient;
import org.edm.activities.support.SingletonWorkflows;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.apisend.ApiSendInput;
import org.edm.workflows.apisend.ApiSendWorkflow;
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
        SingletonWorkflows.startOnce(workflows, TaskQueues.API_SEND, ApiSendWorkflow.class, ApiSendWorkflow.WORKFLOW_ID,
                dispatcher -> WorkflowClient.start(dispatcher::run, ApiSendInput.defaults()));
    }
}
