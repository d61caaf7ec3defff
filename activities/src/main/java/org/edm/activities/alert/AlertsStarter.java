package org.edm.activities.alert;

import io.temporal.client.WorkflowClient;
import org.edm.activities.support.SingletonWorkflows;
import org.edm.workflows.alert.AlertsInput;
import org.edm.workflows.alert.AlertsWorkflow;
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
        SingletonWorkflows.startOnce(workflows, AlertsWorkflow.class, AlertsWorkflow.WORKFLOW_ID,
                alerts -> WorkflowClient.start(alerts::run, new AlertsInput(intervalSeconds)));
    }
}
