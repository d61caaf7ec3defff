package org.edm.api.task;

import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.OperatorServiceGrpc;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.testserver.TestServer;
import org.edm.api.DefaultTestUser;
import org.edm.domain.testing.TestDatabase;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.WorkflowIds;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Issue 11 item 11: {@code POST /v1/tasks/{id}/retry} while Temporal cannot be reached answers 503 and changes
 * nothing — the task, its deliveries, the quota ledger and balance, and the execution log are exactly as before — so
 * the operator can simply retry again once Temporal is back, and that retry succeeds.
 */
@SpringBootTest(properties = {
        "spring.temporal.test-server.enabled=false",
        "edm.temporal.rpc-timeout=1s",
        "edm.temporal.query-timeout=1s",
        "edm.credentials-key=" + TestDatabase.TEST_CREDENTIALS_KEY})
@AutoConfigureMockMvc
@Import(DefaultTestUser.class)
class TaskRetryDuringTemporalOutageTests {

    private static final TestDatabase.Database DB = TestDatabase.freshDatabase();
    /** Nothing listens here until the test brings Temporal (a port-bound test server) up. */
    private static final int TEMPORAL_PORT = freePort();
    private static TestServer.PortBoundTestServer temporal;

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        registry.add("spring.temporal.connection.target", () -> "127.0.0.1:" + TEMPORAL_PORT);
    }

    @AfterAll
    static void stopTemporal() throws IOException {
        if (temporal != null) {
            temporal.close();
        }
    }

    @Test
    void aRetryWhileTemporalIsDownAnswers503AndChangesNothingThenSucceedsOnceItIsBack() throws Exception {
        long taskId = finishedTaskWithFailures();
        jdbc.update("update users set quota_balance = quota_balance + 10 where id = 1");
        jdbc.update("insert into user_quota_ledger (user_id, delta, reason, balance_after) "
                + "select 1, 10, 'ADMIN_ADJUST', quota_balance from users where id = 1");
        Map<String, List<Map<String, Object>>> before = snapshot(taskId);

        mvc.perform(post("/v1/tasks/" + taskId + "/retry"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(containsString("nothing changed")));
        assertThat(snapshot(taskId)).as("a retry that could not reach Temporal leaves everything as it was")
                .isEqualTo(before);

        temporal = TestServer.createPortBoundServer(TEMPORAL_PORT);
        registerSearchAttributes();
        // the api's channel reconnects with a backoff; every attempt until then must still change nothing
        AtomicReference<String> lastAnswer = new AtomicReference<>();
        await().alias("retry accepted once Temporal is back").atMost(Duration.ofSeconds(60))
                .conditionEvaluationListener(c -> {
                    if (c.getRemainingTimeInMS() <= 0) {
                        System.err.println("last answer: " + lastAnswer.get());
                    }
                }).pollInterval(Duration.ofMillis(500)).until(() -> {
            MvcResult result = mvc.perform(post("/v1/tasks/" + taskId + "/retry")).andReturn();
            lastAnswer.set(result.getResponse().getContentAsString());
            if (result.getResponse().getStatus() == 503) {
                assertThat(snapshot(taskId)).isEqualTo(before);
                return false;
            }
            assertThat(result.getResponse().getStatus()).as(result.getResponse().getContentAsString())
                    .isEqualTo(202);
            return true;
        });

        assertThat(jdbc.queryForObject("select status from tasks where id = ?", String.class, taskId))
                .isEqualTo("SENDING");
        assertThat(jdbc.queryForList("select status from deliveries where task_id = ? order by id", String.class,
                taskId)).containsExactly("SENT", "PENDING", "PENDING", "UNKNOWN");
        assertThat(jdbc.queryForList("select delta from user_quota_ledger where reference = ? and reason = "
                + "'RETRY_RESERVE'", Long.class, "task:" + taskId)).containsExactly(-2L);
        assertThat(jdbc.queryForObject("select quota_balance from users where id = 1", Long.class))
                .isEqualTo((Long) before.get("balance").get(0).get("quota_balance") - 2);
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + TEMPORAL_PORT).build());
        try {
            assertThat(WorkflowClient.newInstance(service).newUntypedWorkflowStub(WorkflowIds.task(taskId)).describe()
                    .getStatus()).isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        } finally {
            service.shutdownNow();
        }
    }

    /** As a Temporal deployment would have them (bin/edm-dev registers them on the dev server). */
    private static void registerSearchAttributes() {
        WorkflowServiceStubs service = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget("127.0.0.1:" + TEMPORAL_PORT).build());
        try {
            AddSearchAttributesRequest.Builder request = AddSearchAttributesRequest.newBuilder().setNamespace("default");
            for (var key : EdmSearchAttributes.ALL) {
                request.putSearchAttributes(key.getName(), key.getValueType());
            }
            OperatorServiceGrpc.newBlockingStub(service.getRawChannel()).addSearchAttributes(request.build());
        } finally {
            service.shutdownNow();
        }
    }

    private long finishedTaskWithFailures() {
        long template = jdbc.queryForObject("insert into templates (owner_id, name, subject, body_html) "
                + "values (1, 't', 's', 'b {{unsubscribe_url}}') returning id", Long.class);
        long set = jdbc.queryForObject("insert into template_sets (owner_id, name) values (1, 's') returning id",
                Long.class);
        jdbc.update("insert into template_set_items (template_set_id, template_id) values (?, ?)", set, template);
        long campaign = jdbc.queryForObject("insert into campaigns (owner_id, name, start_time, interval_days, status) "
                + "values (1, 'c', now(), 1, 'ACTIVE') returning id", Long.class);
        long taskId = jdbc.queryForObject("insert into tasks (campaign_id, owner_id, seq, name, plan_time, "
                + "template_set_id, sender_name, status, actual_start_time, actual_end_time) "
                + "values (?, 1, 0, 't', now(), ?, 'news', 'FINISHED', now(), now()) returning id", Long.class,
                campaign, set);
        String[] statuses = {"SENT", "FAILED", "FAILED", "UNKNOWN"};
        for (int i = 0; i < statuses.length; i++) {
            long contact = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                    Long.class, "outage-" + taskId + "-" + i + "@example.com");
            jdbc.update("insert into deliveries (task_id, contact_id, status, token, error, claim_token, attempted_at) "
                            + "values (?, ?, ?, ?, ?, ?, now())", taskId, contact, statuses[i], "outage-" + taskId + "-" + i,
                    statuses[i].equals("FAILED") ? "550 mailbox unavailable" : null, "claim-" + i);
        }
        return taskId;
    }

    /** Everything a retry touches, row by row. */
    private Map<String, List<Map<String, Object>>> snapshot(long taskId) {
        return Map.of(
                "task", jdbc.queryForList("select * from tasks where id = ?", taskId),
                "deliveries", jdbc.queryForList("select * from deliveries where task_id = ? order by id", taskId),
                "ledger", jdbc.queryForList("select * from user_quota_ledger where user_id = 1 order by id"),
                "balance", jdbc.queryForList("select quota_balance, updated_at from users where id = 1"),
                "log", jdbc.queryForList("select * from task_execution_log where task_id = ? order by id", taskId),
                "audit", jdbc.queryForList("select id from audit_log order by id"));
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
