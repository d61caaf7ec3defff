package org.edm.activities.alert;

import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowOptions;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.alert.AlertsInput;
import org.edm.workflows.alert.AlertsWorkflow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * Makes sure the one {@code alerts} workflow runs: every worker tries to start it when it comes up, the first one
 * wins, the others find it running. Off with {@code EDM_ALERTS_ENABLED=false}, and on the in-memory test server.
 */
@Component
class AlertsStarter implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(AlertsStarter.class);

    private final ObjectProvider<WorkflowClient> client;
    private final boolean enabled;
    private final int intervalSeconds;

    AlertsStarter(ObjectProvider<WorkflowClient> client,
                  @Value("${edm.alerts.enabled:true}") boolean enabled,
                  @Value("${spring.temporal.test-server.enabled:false}") boolean testServer,
                  @Value("${edm.alerts.interval-seconds:" + AlertsInput.DEFAULT_INTERVAL_SECONDS + "}")
                  int intervalSeconds) {
        this.client = client;
        this.enabled = enabled && !testServer;
        this.intervalSeconds = intervalSeconds;
    }

    @Override
    public void run(ApplicationArguments args) {
        WorkflowClient workflows = client.getIfAvailable();
        if (!enabled || workflows == null) {
            return;
        }
        AlertsWorkflow alerts = workflows.newWorkflowStub(AlertsWorkflow.class, WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.EDM)
                .setWorkflowId(AlertsWorkflow.WORKFLOW_ID)
                .setWorkflowIdReusePolicy(WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .build());
        try {
            WorkflowClient.start(alerts::run, new AlertsInput(intervalSeconds));
            log.info("started {} (every {} s)", AlertsWorkflow.WORKFLOW_ID, intervalSeconds);
        } catch (WorkflowExecutionAlreadyStarted running) {
            log.debug("{} already running", AlertsWorkflow.WORKFLOW_ID);
        } catch (RuntimeException e) {
            // the worker still serves everything else; the next worker start tries again
            log.warn("could not start {}: {}", AlertsWorkflow.WORKFLOW_ID, e.toString());
        }
    }
}
