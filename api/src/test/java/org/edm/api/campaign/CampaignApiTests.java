package org.edm.api.campaign;

import com.jayway.jsonpath.JsonPath;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.filter.v1.WorkflowExecutionFilter;
import io.temporal.api.workflowservice.v1.ListClosedWorkflowExecutionsRequest;
import io.temporal.api.workflowservice.v1.ListOpenWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionDescription;
import io.temporal.client.WorkflowOptions;
import org.edm.api.ApiTestSupport;
import org.edm.workflows.EdmSearchAttributes;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class CampaignApiTests extends ApiTestSupport {

    @Test
    void createPlansEachTaskIntervalDaysApartUnlessItSaysOtherwise() throws Exception {
        long set = createTemplateSet();
        String created = body(postJson("/v1/campaigns", """
                {"name": "Three stages", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 2,
                 "tasks": [
                   {"name": "t0", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %1$d, "sender_name": "news"},
                   {"name": "t1", "plan_time": "2026-03-02T20:30:00+08:00",
                    "recipient_rule": {"include_tags": ["vip", "new"], "match": "ALL", "exclude_tags": ["bounced"]},
                    "template_set_id": %1$d, "sender_name": "li.lei"},
                   {"name": "t2", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %1$d, "sender_name": "news"}
                 ]}
                """.formatted(set)).andExpect(status().isCreated())
                .andExpect(header().string("Location", containsString("/v1/campaigns/")))
                .andExpect(jsonPath("$.status").value("DRAFT"))
                .andExpect(jsonPath("$.start_time").value("2026-03-01T01:00:00Z"))
                .andExpect(jsonPath("$.interval_days").value(2))
                .andExpect(jsonPath("$.workflow_id").value(containsString("campaign-"))));

        List<String> planTimes = JsonPath.read(created, "$.tasks[*].plan_time");
        assertThat(planTimes.stream().map(OffsetDateTime::parse).map(OffsetDateTime::toInstant).toList())
                .containsExactly(OffsetDateTime.parse("2026-03-01T09:00:00+08:00").toInstant(),
                        OffsetDateTime.parse("2026-03-02T20:30:00+08:00").toInstant(),
                        OffsetDateTime.parse("2026-03-05T09:00:00+08:00").toInstant());
        assertThat(JsonPath.<List<Integer>>read(created, "$.tasks[*].seq")).containsExactly(0, 1, 2);
        assertThat(JsonPath.<List<String>>read(created, "$.tasks[*].status")).containsOnly("DRAFT");
        assertThat(JsonPath.<Map<String, Object>>read(created, "$.tasks[0].recipient_rule"))
                .isEqualTo(Map.of("include_tags", List.of("vip"), "match", "ANY", "exclude_tags", List.of()));
        assertThat(JsonPath.<Integer>read(created, "$.tasks[0].deliveries.total")).isZero();

        // stored exactly in the shape the audience resolver reads
        long firstTask = ((Number) JsonPath.read(created, "$.tasks[1].id")).longValue();
        assertThat(jdbc.queryForObject("select recipient_rule::text from tasks where id = ?", String.class, firstTask))
                .isEqualTo("{\"match\": \"ALL\", \"exclude_tags\": [\"bounced\"], \"include_tags\": [\"vip\", \"new\"]}");
        assertThat(CampaignPlanner.planTime(OffsetDateTime.parse("2026-12-31T23:00:00-05:00"), 7, 3, null))
                .isEqualTo(OffsetDateTime.parse("2027-01-21T23:00:00-05:00").toInstant());
    }

    @Test
    void listAndReadCampaignsAndTheirTasks() throws Exception {
        long set = createTemplateSet();
        long id = createCampaign(set);
        String list = body(getJson("/v1/campaigns").andExpect(status().isOk()));
        assertThat(JsonPath.<List<Integer>>read(list, "$[?(@.id == " + id + ")].task_count")).containsExactly(2);

        String detail = body(getJson("/v1/campaigns/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("Spring launch"))
                .andExpect(jsonPath("$.tasks.length()").value(2))
                .andExpect(jsonPath("$.live_progress").doesNotExist()));
        long taskId = ((Number) JsonPath.read(detail, "$.tasks[0].id")).longValue();

        getJson("/v1/tasks?campaign_id=" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[1].name").value("follow-up"));
        getJson("/v1/tasks/" + taskId).andExpect(status().isOk())
                .andExpect(jsonPath("$.campaign_id").value(id))
                .andExpect(jsonPath("$.workflow_id").value("task-" + taskId))
                .andExpect(jsonPath("$.deliveries.pending").value(0));
        assertThat(JsonPath.<List<Integer>>read(body(getJson("/v1/tasks")), "$[*].id")).contains((int) taskId);
        getJson("/v1/tasks/987654").andExpectAll(problem(404, "task 987654 not found"));
        getJson("/v1/campaigns/987654").andExpectAll(problem(404, "campaign 987654 not found"));
    }

    @Test
    void tasksShowDeliveryCountsByStatus() throws Exception {
        long id = createCampaign(createTemplateSet());
        List<Long> tasks = jdbc.queryForList("select id from tasks where campaign_id = ? order by seq", Long.class, id);
        jdbc.update("update tasks set status = 'SENDING', audience_size = 6, pause_reason = null where id = ?",
                tasks.get(0));
        String[] statuses = {"SENT", "SENT", "SENT", "FAILED", "PENDING", "SKIPPED"};
        for (int i = 0; i < statuses.length; i++) {
            long contact = jdbc.queryForObject("""
                    insert into contacts (owner_id, email) values (1, ?) returning id
                    """, Long.class, "count-" + id + "-" + i + "@example.com");
            jdbc.update("insert into deliveries (task_id, contact_id, status, token, claim_token) values (?, ?, ?, ?, "
                    + "CASE WHEN CAST(? AS text) = 'PENDING' THEN NULL ELSE 'no claim' END)",
                    tasks.get(0), contact, statuses[i], "tok-" + id + "-" + i, statuses[i]);
        }
        getJson("/v1/tasks/" + tasks.get(0)).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("SENDING"))
                .andExpect(jsonPath("$.audience_size").value(6))
                .andExpect(jsonPath("$.deliveries.sent").value(3))
                .andExpect(jsonPath("$.deliveries.failed").value(1))
                .andExpect(jsonPath("$.deliveries.pending").value(1))
                .andExpect(jsonPath("$.deliveries.skipped").value(1))
                .andExpect(jsonPath("$.deliveries.unknown").value(0))
                .andExpect(jsonPath("$.deliveries.total").value(6));
        getJson("/v1/campaigns/" + id)
                .andExpect(jsonPath("$.tasks[0].deliveries.sent").value(3))
                .andExpect(jsonPath("$.tasks[1].deliveries.total").value(0));
    }

    @Test
    void badCampaignsAreRejectedNamingTheProblemAndWriteNothing() throws Exception {
        long set = createTemplateSet();
        String good = """
                {"name": "bad", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 1,
                 "tasks": [{"name": "t", "recipient_rule": {"include_tags": ["vip"], "match": "ANY"},
                            "template_set_id": %d, "sender_name": "news"}]}
                """.formatted(set);
        rememberRowCounts();
        postJson("/v1/campaigns", good.replace("\"ANY\"", "\"SOME\""))
                .andExpectAll(invalidField("tasks[0].recipient_rule.match"))
                .andExpect(jsonPath("$.detail").value(containsString("'SOME' is not one of: ANY, ALL")));
        postJson("/v1/campaigns", good.replace("\"match\"", "\"matches\""))
                .andExpectAll(invalidField("tasks[0].recipient_rule.matches"));
        postJson("/v1/campaigns", good.replace("[\"vip\"]", "[]"))
                .andExpectAll(invalidField("tasks[0].recipient_rule.include_tags"));
        postJson("/v1/campaigns", good.replace("{\"include_tags\": [\"vip\"], \"match\": \"ANY\"}", "\"vip\""))
                .andExpectAll(invalidField("tasks[0].recipient_rule"));
        postJson("/v1/campaigns", good.replace("\"news\"", "\"news letter@\""))
                .andExpectAll(invalidField("tasks[0].sender_name"));
        postJson("/v1/campaigns", good.replace("\"news\"", "\".news\""))
                .andExpectAll(invalidField("tasks[0].sender_name"));
        postJson("/v1/campaigns", good.replace("\"start_time\": \"2026-03-01T09:00:00+08:00\",", ""))
                .andExpectAll(invalidField("start_time"));
        postJson("/v1/campaigns", good.replace("2026-03-01T09:00:00+08:00", "2026-03-01T09:00:00"))
                .andExpectAll(invalidField("start_time"));
        postJson("/v1/campaigns", good.replace("2026-03-01T09:00:00+08:00", "+20266-03-01T09:00:00+08:00"))
                .andExpectAll(invalidField("start_time"));
        postJson("/v1/campaigns", good.replace("\"interval_days\": 1", "\"interval_days\": -1"))
                .andExpectAll(invalidField("interval_days"));
        postJson("/v1/campaigns", good.replace("\"template_set_id\": " + set, "\"template_set_id\": 987654"))
                .andExpectAll(problem(404, "template set 987654 not found"))
                .andExpect(jsonPath("$.errors[0].field").value("tasks[0].template_set_id"));
        postJson("/v1/campaigns", """
                {"name": "no tasks", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 1, "tasks": []}
                """).andExpectAll(invalidField("tasks"));
        postJson("/v1/campaigns", good.replace("\"name\": \"t\", ", "")).andExpectAll(invalidField("tasks[0].name"));
        postJson("/v1/campaigns", good.replace("\"name\": \"bad\"", "\"nmae\": \"bad\""))
                .andExpectAll(invalidField("nmae"));
        assertRowCountsUnchanged();
    }

    @Test
    void aDraftCanBeReplannedAndDeleted() throws Exception {
        long set = createTemplateSet();
        long id = createCampaign(set);
        List<Long> before = jdbc.queryForList("select id from tasks where campaign_id = ? order by seq", Long.class, id);

        putJson("/v1/campaigns/" + id, """
                {"name": "Replanned", "start_time": "2026-04-01T10:00:00Z", "interval_days": 3,
                 "tasks": [{"name": "only", "recipient_rule": {"include_tags": ["new"]}, "template_set_id": %d,
                            "sender_name": "hello"}]}
                """.formatted(set)).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("Replanned"))
                .andExpect(jsonPath("$.tasks.length()").value(1))
                .andExpect(jsonPath("$.tasks[0].id").value(before.get(0)))
                .andExpect(jsonPath("$.tasks[0].plan_time").value("2026-04-01T10:00:00Z"))
                .andExpect(jsonPath("$.tasks[0].sender_name").value("hello"));
        assertThat(jdbc.queryForList("select id from tasks where campaign_id = ?", Long.class, id))
                .containsExactly(before.get(0));

        deleteJson("/v1/campaigns/" + id).andExpect(status().isNoContent());
        getJson("/v1/campaigns/" + id).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("select count(*) from tasks where campaign_id = ?", Long.class, id)).isZero();
    }

    @Test
    void activationStartsTheCampaignWorkflowOnceAndFreezesThePlan() throws Exception {
        long set = createTemplateSet();
        long id = createCampaign(set);
        String workflowId = WorkflowIds.campaign(id);

        postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.activated_at").exists());

        assertThat(runsOf(workflowId)).isEqualTo(1);
        WorkflowExecutionDescription run = workflowClient.newUntypedWorkflowStub(workflowId).describe();
        assertThat(run.getWorkflowType()).isEqualTo("CampaignWorkflow");
        assertThat(run.getTaskQueue()).isEqualTo(TaskQueues.EDM);
        assertThat(run.getTypedSearchAttributes().get(EdmSearchAttributes.CAMPAIGN_ID)).isEqualTo(id);
        assertThat(run.getTypedSearchAttributes().get(EdmSearchAttributes.OWNER_ID)).isEqualTo("1");
        assertThat(run.getMemo("name", String.class)).isEqualTo("Spring launch");

        // a second activation is a conflict and starts nothing
        postJson("/v1/campaigns/" + id + "/activate", "").andExpectAll(problem(409, "only a DRAFT campaign"));
        assertThat(runsOf(workflowId)).isEqualTo(1);

        // the plan is frozen
        rememberRowCounts();
        putJson("/v1/campaigns/" + id, """
                {"name": "too late", "start_time": "2026-04-01T10:00:00Z", "interval_days": 3,
                 "tasks": [{"name": "x", "recipient_rule": {"include_tags": ["new"]}, "template_set_id": %d,
                            "sender_name": "hello"}]}
                """.formatted(set)).andExpectAll(problem(409, "is ACTIVE and can no longer be edited"));
        deleteJson("/v1/campaigns/" + id).andExpectAll(problem(409, "is ACTIVE and can no longer be deleted"));
        assertRowCountsUnchanged();
        getJson("/v1/campaigns/" + id).andExpect(jsonPath("$.name").value("Spring launch"))
                .andExpect(jsonPath("$.live_progress.state").value("WAITING"))
                .andExpect(jsonPath("$.live_progress_note").doesNotExist());
        assertThat(jdbc.queryForObject("select count(*) from audit_log where entity = 'campaign' and action = 'ACTIVATE' "
                + "and entity_id = ?", Long.class, String.valueOf(id))).isEqualTo(1);

        // cancel becomes the workflow's cancel signal
        postJson("/v1/campaigns/" + id + "/cancel", "{\"reason\": \"wrong audience\"}")
                .andExpect(status().isAccepted());
        await().atMost(Duration.ofSeconds(10)).until(() -> workflowClient.newUntypedWorkflowStub(workflowId)
                .describe().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
        assertThat(runsOf(workflowId)).isEqualTo(1);
    }

    @Test
    void activatingACampaignWhoseWorkflowAlreadyRunsDoesNotStartASecondRun() throws Exception {
        long id = createCampaign(createTemplateSet());
        String workflowId = WorkflowIds.campaign(id);
        // as if an earlier activation reached Temporal but its reply was lost
        CampaignWorkflow earlier = workflowClient.newWorkflowStub(CampaignWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(earlier::run, new CampaignInput(id));

        postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"));
        assertThat(runsOf(workflowId)).isEqualTo(1);
        workflowClient.newUntypedWorkflowStub(workflowId).terminate("test done");
    }

    @Test
    void aCampaignPageDoesNotHangWhenNoWorkerAnswers() throws Exception {
        long id = createCampaign(createTemplateSet());
        jdbc.update("update campaigns set status = 'ACTIVE' where id = ?", id);
        String workflowId = WorkflowIds.campaign(id);
        CampaignWorkflow unattended = workflowClient.newWorkflowStub(CampaignWorkflow.class,
                WorkflowOptions.newBuilder().setWorkflowId(workflowId).setTaskQueue("nobody-polls-this").build());
        WorkflowClient.start(unattended::run, new CampaignInput(id));

        long started = System.nanoTime();
        getJson("/v1/campaigns/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.live_progress").doesNotExist())
                .andExpect(jsonPath("$.live_progress_note").value(containsString("no worker answered")));
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
        workflowClient.newUntypedWorkflowStub(workflowId).terminate("test done");

        // a running campaign without any run at all says so
        getJson("/v1/campaigns/" + createActiveCampaignWithoutRun())
                .andExpect(jsonPath("$.live_progress_note").value(containsString("no workflow run")));
    }

    private long createActiveCampaignWithoutRun() throws Exception {
        long id = createCampaign(createTemplateSet());
        jdbc.update("update campaigns set status = 'ACTIVE' where id = ?", id);
        return id;
    }

    @Test
    void cancelIsOnlyForRunningCampaigns() throws Exception {
        long id = createCampaign(createTemplateSet());
        postJson("/v1/campaigns/" + id + "/cancel", "").andExpectAll(problem(409, "is DRAFT"));
        postJson("/v1/campaigns/987654/cancel", "").andExpect(status().isNotFound());
        postJson("/v1/campaigns/987654/activate", "").andExpect(status().isNotFound());
        putJson("/v1/campaigns/987654", "{}").andExpect(status().isBadRequest());
        deleteJson("/v1/campaigns/987654").andExpect(status().isNotFound());
    }

    @Test
    void cancellingACampaignWhoseWorkflowIsGoneCancelsItHere() throws Exception {
        long id = createCampaign(createTemplateSet());
        jdbc.update("update campaigns set status = 'ACTIVE' where id = ?", id);
        postJson("/v1/campaigns/" + id + "/cancel", "").andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("CANCELLED"))
                .andExpect(jsonPath("$.tasks[0].status").value("CANCELLED"))
                .andExpect(jsonPath("$.tasks[1].status").value("CANCELLED"));
    }

    @Test
    void aSendingTaskOfACampaignWhoseWorkflowIsGoneEndsCancelledAndGivesBackItsUnsentQuota() throws Exception {
        long id = createCampaign(createTemplateSet());
        jdbc.update("update campaigns set status = 'ACTIVE' where id = ?", id);
        long sending = jdbc.queryForObject("select id from tasks where campaign_id = ? and seq = 0", Long.class, id);
        jdbc.update("update tasks set status = 'SENDING', actual_start_time = now(), audience_size = 4 where id = ?",
                sending); // started, its audience in: it holds its PENDING deliveries
        String[] statuses = {"SENT", "PENDING", "PENDING", "PENDING"};
        for (int i = 0; i < statuses.length; i++) {
            long contact = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                    Long.class, "gone-" + sending + "-" + i + "@example.com");
            jdbc.update("insert into deliveries (task_id, contact_id, status, token, claim_token) values (?, ?, ?, ?, "
                    + "CASE WHEN CAST(? AS text) = 'PENDING' THEN NULL ELSE 'no claim' END)",
                    sending, contact, statuses[i], "gone-" + sending + "-" + i, statuses[i]);
        }
        long balance = jdbc.queryForObject("select quota_balance from users where id = 1", Long.class);

        postJson("/v1/campaigns/" + id + "/cancel", "{\"reason\": \"run was terminated\"}")
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("CANCELLED"))
                .andExpect(jsonPath("$.tasks[0].status").value("CANCELLED"))
                .andExpect(jsonPath("$.tasks[0].deliveries.pending").value(0))
                .andExpect(jsonPath("$.tasks[0].deliveries.cancelled").value(3))
                .andExpect(jsonPath("$.tasks[0].deliveries.sent").value(1));
        // the SENDING task held its 3 PENDING deliveries' quota: exactly that comes back, once
        assertThat(jdbc.queryForObject("select quota_balance from users where id = 1", Long.class))
                .isEqualTo(balance + 3);
        assertThat(jdbc.queryForObject("select count(*) from task_execution_log where task_id = ? "
                + "and to_status = 'CANCELLED'", Long.class, sending)).isEqualTo(1);
    }

    /** How many runs Temporal has of this workflow id, open or closed. */
    private long runsOf(String workflowId) {
        var stub = workflowClient.getWorkflowServiceStubs().blockingStub();
        String namespace = workflowClient.getOptions().getNamespace();
        WorkflowExecutionFilter byId = WorkflowExecutionFilter.newBuilder().setWorkflowId(workflowId).build();
        return stub.listOpenWorkflowExecutions(ListOpenWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace).setExecutionFilter(byId).build()).getExecutionsCount()
                + stub.listClosedWorkflowExecutions(ListClosedWorkflowExecutionsRequest.newBuilder()
                .setNamespace(namespace).setExecutionFilter(byId).build()).getExecutionsCount();
    }
}
