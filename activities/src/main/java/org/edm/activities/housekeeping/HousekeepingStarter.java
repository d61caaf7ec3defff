package org.edm.activities.housekeeping;

import io.temporal.client.WorkflowClient;
import org.edm.activities.support.SingletonWorkflows;
import org.edm.workflows.housekeeping.HousekeepingInput;
import org.edm.workflows.housekeeping.HousekeepingWorkflow;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/** Makes sure the one {@code housekeeping} workflow runs. Off with {@code EDM_RETENTION_ENABLED=false}. */
@Component
class HousekeepingStarter implements ApplicationRunner {

    private final ObjectProvider<WorkflowClient> client;
    private final RetentionProperties retention;
    private final boolean testServer;

    HousekeepingStarter(ObjectProvider<WorkflowClient> client, RetentionProperties retention,
                        @Value("${spring.temporal.test-server.enabled:false}") boolean testServer) {
        this.client = client;
        this.retention = retention;
        this.testServer = testServer;
    }

    @Override
    public void run(ApplicationArguments args) {
        WorkflowClient workflows = client.getIfAvailable();
        if (!retention.enabled() || testServer || workflows == null) {
            return;
        }
        SingletonWorkflows.startOnce(workflows, HousekeepingWorkflow.class, HousekeepingWorkflow.WORKFLOW_ID,
                housekeeping -> WorkflowClient.start(housekeeping::run,
                        new HousekeepingInput(retention.intervalSeconds())));
    }
}
