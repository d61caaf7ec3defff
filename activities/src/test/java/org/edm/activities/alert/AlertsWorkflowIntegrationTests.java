package org.edm.activities.alert;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import org.edm.activities.systemmail.SystemMail;
import org.edm.activities.systemmail.SystemMailProperties;
import org.edm.activities.testing.ActivitiesHarness;
import org.edm.domain.alert.AlertRules;
import org.edm.domain.alert.Alerts;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.alert.AlertsInput;
import org.edm.workflows.alert.AlertsWorkflow;
import org.edm.workflows.alert.AlertsWorkflowImpl;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.jdbc.core.JdbcTemplate;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code alerts} workflow with time skipping over the real rules (PostgreSQL) and the real system sender
 * (GreenMail): a frozen service is raised and mailed in the first round, resolved and mailed after its unfreeze,
 * and nothing is mailed twice.
 */
class AlertsWorkflowIntegrationTests {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    private ActivitiesHarness harness;
    private JdbcTemplate jdbc;
    private TestWorkflowEnvironment env;

    @BeforeEach
    void setUp() {
        harness = new ActivitiesHarness();
        jdbc = harness.fixtures.jdbc();
        jdbc.update("INSERT INTO users (username, email, role) VALUES ('boss', 'boss@example.test', 'ADMIN')");
        env = TestWorkflowEnvironment.newInstance(TestEnvironmentOptions.newBuilder().setUseTimeskipping(true)
                .build());
        Alerts alerts = new Alerts(harness.jdbc);
        SystemMail mail = new SystemMail(new SystemMailProperties("127.0.0.1", smtp.getSmtp().getPort(), "", "",
                false, false, "EDM <alerts@edm.example.test>"));
        Worker worker = env.newWorker(TaskQueues.EDM);
        worker.registerWorkflowImplementationTypes(AlertsWorkflowImpl.class);
        worker.registerActivitiesImplementations(new AlertActivitiesImpl(
                new AlertRules(alerts, AlertRules.Thresholds.DEFAULTS), alerts, mail, jdbc, Clock.systemUTC(),
                "https://edm.example.test"));
        env.start();
    }

    @AfterEach
    void tearDown() {
        env.close();
        harness.close();
    }

    private String[] subjects() {
        return Arrays.stream(smtp.getReceivedMessages()).map(m -> {
            try {
                return m.getSubject();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toArray(String[]::new);
    }

    @Test
    void aFrozenServiceIsRaisedAndMailedOnceAndResolvedAfterItsUnfreeze() {
        long service = jdbc.queryForObject("""
                INSERT INTO sender_services (name, provider, domain, daily_quota, health_status, frozen_reason)
                VALUES ('smtp-main', 'SMTP', 'example.com', 100, 'FROZEN', '3 failures within 10 minutes')
                RETURNING id""", Long.class);
        AlertsWorkflow alerts = env.getWorkflowClient().newWorkflowStub(AlertsWorkflow.class,
                WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.EDM).setWorkflowId(AlertsWorkflow.WORKFLOW_ID)
                        .build());
        WorkflowClient.start(alerts::run, new AlertsInput(300));

        env.sleep(Duration.ofMinutes(1));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM alerts WHERE kind = 'SENDER_SERVICE_FROZEN' "
                + "AND subject = ? AND resolved_at IS NULL", Long.class, "sender-service-" + service)).isEqualTo(1);
        assertThat(subjects()).containsExactly("[EDM] 1 alert(s) raised, 0 resolved");

        jdbc.update("UPDATE sender_services SET health_status = 'ACTIVE', frozen_reason = NULL WHERE id = ?", service);
        env.sleep(Duration.ofMinutes(5));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM alerts WHERE resolved_at IS NOT NULL", Long.class))
                .isEqualTo(1);
        assertThat(subjects()).containsExactly("[EDM] 1 alert(s) raised, 0 resolved",
                "[EDM] 0 alert(s) raised, 1 resolved");

        env.sleep(Duration.ofMinutes(10));
        assertThat(subjects()).as("nothing changed, nothing mailed").hasSize(2);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM alerts", Long.class)).as("one crossing, one alert")
                .isEqualTo(1);
    }
}
