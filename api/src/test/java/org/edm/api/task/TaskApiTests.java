package org.edm.api.task;

import com.jayway.jsonpath.JsonPath;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.common.converter.DefaultDataConverter;
import org.edm.api.ApiTestSupport;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskWorkflow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class TaskApiTests extends ApiTestSupport {

    private String task(long campaignId, long set, String planTime, String rule) {
        return """
                {%s"name": "extra", "plan_time": "%s", "recipient_rule": %s, "template_set_id": %d,
                 "sender_name": "news"}
                """.formatted(campaignId > 0 ? "\"campaign_id\": " + campaignId + ", " : "", planTime, rule, set);
    }

    private List<Long> tasksOf(long campaignId) {
        return jdbc.queryForList("select id from tasks where campaign_id = ? order by seq", Long.class, campaignId);
    }

    /** The signals a workflow run received, as "name(first argument)". */
    private List<String> signals(String workflowId) {
        return workflowClient.fetchHistory(workflowId).getEvents().stream()
                .filter(HistoryEvent::hasWorkflowExecutionSignaledEventAttributes)
                .map(e -> e.getWorkflowExecutionSignaledEventAttributes())
                .map(a -> a.getSignalName() + (a.getInput().getPayloadsCount() == 0 ? "" : "(" + DefaultDataConverter
                        .STANDARD_INSTANCE.fromPayload(a.getInput().getPayloads(0), String.class, String.class) + ")"))
                .toList();
    }

    private long startedTaskWithRun(long campaignId) {
        long taskId = tasksOf(campaignId).get(0);
        jdbc.update("update tasks set status = 'SENDING', actual_start_time = now() where id = ?", taskId);
        TaskWorkflow run = workflowClient.newWorkflowStub(TaskWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(taskId)).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(run::run, new TaskInput(taskId, campaignId));
        return taskId;
    }

    @Test
    void tasksAreAddedChangedAndRemovedUntilTheyStartThenOnlyPausedOrCancelled() throws Exception {
        long set = createTemplateSet();
        long campaign = createCampaign(set);

        long added = idOf(postJson("/v1/tasks", task(campaign, set, "2026-03-10T09:00:00Z", "{\"include_tags\": [\"vip\"]}"))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.seq").value(2))
                .andExpect(jsonPath("$.status").value("DRAFT")));
        putJson("/v1/tasks/" + added, task(0, set, "2026-03-12T09:00:00Z", "{\"include_tags\": [\"new\"]}"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.plan_time").value("2026-03-12T09:00:00Z"))
                .andExpect(jsonPath("$.recipient_rule.include_tags[0]").value("new"));
        deleteJson("/v1/tasks/" + added).andExpect(status().isNoContent());
        getJson("/v1/tasks/" + added).andExpect(status().isNotFound());

        long sending = tasksOf(campaign).get(0);
        jdbc.update("update tasks set status = 'SENDING' where id = ?", sending);
        rememberRowCounts();
        putJson("/v1/tasks/" + sending, task(0, set, "2026-03-12T09:00:00Z", "{\"include_tags\": [\"new\"]}"))
                .andExpectAll(problem(409, "has started sending and can only be paused or cancelled"));
        deleteJson("/v1/tasks/" + sending)
                .andExpectAll(problem(409, "has started sending and can only be paused or cancelled"));
        assertRowCountsUnchanged();
        postJson("/v1/tasks", task(987654, set, "2026-03-12T09:00:00Z", "{\"include_tags\": [\"new\"]}"))
                .andExpect(status().isNotFound());
    }

    @Test
    void badRulesAreRejectedNamingTheBadPart() throws Exception {
        long set = createTemplateSet();
        long campaign = createCampaign(set);
        rememberRowCounts();
        postJson("/v1/tasks", task(campaign, set, "2026-03-10T09:00:00Z",
                "{\"include_tags\": [\"vip\"], \"include_labels\": [\"opened_in_campaign\", \"opened_in_campain\"]}"))
                .andExpectAll(invalidField("recipient_rule.include_labels[1]"))
                .andExpect(jsonPath("$.detail").value(containsString("'opened_in_campain' is not a system label")));
        postJson("/v1/tasks", task(campaign, set, "2026-03-10T09:00:00Z",
                "{\"include_tags\": [\"vip\"], \"exclude_labels\": [\"bounced\"]}"))
                .andExpectAll(invalidField("recipient_rule.exclude_labels[0]"));
        postJson("/v1/tasks", task(campaign, set, "2026-03-10T09:00:00Z",
                "{\"include_tags\": [\"vip\"], \"include_label\": [\"opened_in_campaign\"]}"))
                .andExpectAll(invalidField("recipient_rule.include_label"));
        assertRowCountsUnchanged();

        long ok = idOf(postJson("/v1/tasks", task(campaign, set, "2026-03-10T09:00:00Z",
                "{\"include_tags\": [\"vip\"], \"include_labels\": [\"unopened_in_campaign\"], "
                        + "\"exclude_labels\": [\"replied_in_campaign\"]}")).andExpect(status().isCreated()));
        assertThat(jdbc.queryForObject("select recipient_rule->>'include_labels' from tasks where id = ?",
                String.class, ok)).isEqualTo("[\"unopened_in_campaign\"]");
    }

    @Test
    void aRunningCampaignIsToldToReplanWhenItsTasksChange() throws Exception {
        long set = createTemplateSet();
        long campaign = createCampaign(set);
        postJson("/v1/campaigns/" + campaign + "/activate", "").andExpect(status().isOk());

        long added = idOf(postJson("/v1/tasks", task(campaign, set, "2026-03-10T09:00:00Z",
                "{\"include_tags\": [\"vip\"]}")).andExpect(status().isCreated()));
        putJson("/v1/tasks/" + added, task(campaign, set, "2026-03-11T09:00:00Z", "{\"include_tags\": [\"vip\"]}"))
                .andExpect(status().isOk());
        deleteJson("/v1/tasks/" + added).andExpect(status().isNoContent());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(signals(WorkflowIds.campaign(campaign)))
                .containsExactly("planChanged", "planChanged", "planChanged"));

        postJson("/v1/campaigns/" + campaign + "/pause", "").andExpect(status().isAccepted());
        postJson("/v1/campaigns/" + campaign + "/resume", "").andExpect(status().isAccepted());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(signals(WorkflowIds.campaign(campaign)))
                .endsWith("pause(paused by operator)", "resume"));
        postJson("/v1/campaigns/" + campaign + "/cancel", "").andExpect(status().isAccepted());

        long draft = createCampaign(set);
        postJson("/v1/campaigns/" + draft + "/pause", "").andExpectAll(problem(409, "only an ACTIVE or PAUSED"));
    }

    @Test
    void pauseResumeAndCancelOfASendingTaskAreSignalsToItsWorkflow() throws Exception {
        long campaign = createCampaign(createTemplateSet());
        long taskId = startedTaskWithRun(campaign);
        String workflowId = WorkflowIds.task(taskId);

        postJson("/v1/tasks/" + taskId + "/pause", "").andExpect(status().isAccepted());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> getJson("/v1/tasks/" + taskId + "/progress")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("SENDING"))
                .andExpect(jsonPath("$.live.state").value("PAUSED"))
                .andExpect(jsonPath("$.live.pause_reason").value("paused by operator"))
                .andExpect(jsonPath("$.deliveries.total").value(0))
                .andExpect(jsonPath("$.actual_audience").value(0)));
        postJson("/v1/tasks/" + taskId + "/resume", "").andExpect(status().isAccepted());
        postJson("/v1/tasks/" + taskId + "/cancel", "{\"reason\": \"wrong list\"}").andExpect(status().isAccepted());
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(signals(workflowId)).containsExactly(
                "pause(paused by operator)", "resume", "cancel(cancelled by operator: wrong list)"));
        await().atMost(Duration.ofSeconds(10)).until(() -> workflowClient.newUntypedWorkflowStub(workflowId)
                .describe().getStatus() == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);

        // a task that has not started cannot be paused, but can be cancelled at once
        long unstarted = tasksOf(campaign).get(1);
        postJson("/v1/tasks/" + unstarted + "/pause", "").andExpectAll(problem(409, "only a SENDING or PAUSED task"));
        postJson("/v1/tasks/" + unstarted + "/cancel", "").andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("CANCELLED"));
        postJson("/v1/tasks/" + unstarted + "/cancel", "").andExpectAll(problem(409, "has already ended"));
        getJson("/v1/tasks/" + unstarted + "/log").andExpect(status().isOk())
                .andExpect(jsonPath("$[0].from_status").value("DRAFT"))
                .andExpect(jsonPath("$[0].to_status").value("CANCELLED"))
                .andExpect(jsonPath("$[0].reason").value("cancelled by operator before it started"))
                .andExpect(jsonPath("$[0].at").exists());
    }

    @Test
    void retrySendsOnlyFailedDeliveriesAgainThroughANewRunOfTheFinishedTask() throws Exception {
        long campaign = createCampaign(createTemplateSet());
        long taskId = tasksOf(campaign).get(0);
        jdbc.update("update tasks set status = 'FINISHED', actual_end_time = now() where id = ?", taskId);
        String[] statuses = {"SENT", "FAILED", "FAILED", "UNKNOWN", "SKIPPED"};
        for (int i = 0; i < statuses.length; i++) {
            long contact = jdbc.queryForObject("insert into contacts (owner_id, email, nickname) values (1, ?, ?) "
                    + "returning id", Long.class, "retry-" + taskId + "-" + i + "@example.com", "Nick, " + i);
            jdbc.update("insert into deliveries (task_id, contact_id, status, token, error, claim_token) "
                    + "values (?, ?, ?, ?, ?, 'test/claim')", taskId, contact, statuses[i], "retry-" + taskId + "-" + i,
                    statuses[i].equals("FAILED") ? "550 mailbox \"unavailable\", try later" : null);
        }

        String csv = body(mvc.perform(get("/v1/tasks/" + taskId + "/failures.csv")).andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith("text/csv")));
        assertThat(csv.lines().toList()).hasSize(3);
        assertThat(csv).startsWith("email,nickname,error,time")
                .contains("retry-" + taskId + "-1@example.com,\"Nick, 1\",\"550 mailbox \"\"unavailable\"\", try later\",");

        getJson("/v1/tasks/" + taskId + "/progress").andExpect(status().isOk())
                .andExpect(jsonPath("$.actual_audience").value(4))
                .andExpect(jsonPath("$.by_template[0].total").value(5))
                .andExpect(jsonPath("$.live").doesNotExist());
        postJson("/v1/tasks/" + taskId + "/retry", "").andExpect(status().isAccepted())
                .andExpect(jsonPath("$.status").value("SENDING"))
                .andExpect(jsonPath("$.deliveries.pending").value(2))
                .andExpect(jsonPath("$.deliveries.sent").value(1))
                .andExpect(jsonPath("$.deliveries.unknown").value(1))
                .andExpect(jsonPath("$.deliveries.failed").value(0));
        assertThat(workflowClient.newUntypedWorkflowStub(WorkflowIds.task(taskId)).describe().getStatus())
                .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        postJson("/v1/tasks/" + taskId + "/retry", "").andExpectAll(problem(409, "no failed deliveries"));
        String log = body(getJson("/v1/tasks/" + taskId + "/log"));
        assertThat(JsonPath.<List<String>>read(log, "$[*].reason"))
                .containsExactly("retry by operator: 2 failed deliveries back to pending");
        workflowClient.newUntypedWorkflowStub(WorkflowIds.task(taskId)).terminate("test done");
        mvc.perform(get("/v1/tasks/987654/failures.csv")).andExpect(status().isNotFound());
    }
}
