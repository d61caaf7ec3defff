package org.edm.api.campaign;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.client.WorkflowNotFoundException;
import org.edm.api.ApiTestSupport;
import org.edm.workflows.WorkflowIds;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.bean.override.mockito.MockitoSpyBean;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.doCallRealMethod;
import static org.mockito.Mockito.doThrow;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Issue 11 item 13: activation racing a Temporal timeout. Whatever the client saw, the campaign ends up either
 * ACTIVE with its workflow running, or DRAFT with no workflow and nothing else changed — never DRAFT with a run.
 */
class CampaignActivationRaceTests extends ApiTestSupport {

    @MockitoSpyBean
    CampaignRuns runs;

    @Test
    void aStartThatReachedTemporalButTimedOutOnTheClientLeavesTheCampaignActive() throws Exception {
        long id = createCampaign(createTemplateSet());
        doAnswer(call -> {
            call.callRealMethod();
            throw new StatusRuntimeException(Status.DEADLINE_EXCEEDED.withDescription("reply lost"));
        }).when(runs).start(eq(id), anyLong(), anyString());

        postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"));

        assertThat(jdbc.queryForObject("select status from campaigns where id = ?", String.class, id))
                .isEqualTo("ACTIVE");
        assertThat(workflowClient.newUntypedWorkflowStub(WorkflowIds.campaign(id)).describe().getStatus())
                .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        workflowClient.newUntypedWorkflowStub(WorkflowIds.campaign(id)).terminate("test done");
    }

    @Test
    void aStartThatNeverReachedTemporalLeavesTheDraftExactlyAsItWas() throws Exception {
        long id = createCampaign(createTemplateSet());
        doThrow(new StatusRuntimeException(Status.UNAVAILABLE.withDescription("connection refused")))
                .when(runs).start(eq(id), anyLong(), anyString());
        Map<String, List<Map<String, Object>>> before = snapshot(id);

        postJson("/v1/campaigns/" + id + "/activate", "")
                .andExpectAll(problem(503, "still a DRAFT"));

        assertThat(snapshot(id)).isEqualTo(before);
        assertThatThrownBy(() -> workflowClient.newUntypedWorkflowStub(WorkflowIds.campaign(id)).describe())
                .isInstanceOf(WorkflowNotFoundException.class);

        // Temporal is back: activating again works
        doCallRealMethod().when(runs).start(eq(id), anyLong(), anyString());
        postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"));
        assertThat(workflowClient.newUntypedWorkflowStub(WorkflowIds.campaign(id)).describe().getStatus())
                .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
        workflowClient.newUntypedWorkflowStub(WorkflowIds.campaign(id)).terminate("test done");
    }

    private Map<String, List<Map<String, Object>>> snapshot(long campaignId) {
        return Map.of(
                "campaign", jdbc.queryForList("select * from campaigns where id = ?", campaignId),
                "tasks", jdbc.queryForList("select * from tasks where campaign_id = ? order by id", campaignId),
                "ledger", jdbc.queryForList("select * from user_quota_ledger where user_id = 1 order by id"),
                "balance", jdbc.queryForList("select quota_balance from users where id = 1"),
                "log", jdbc.queryForList("select l.* from task_execution_log l join tasks t on t.id = l.task_id "
                        + "where t.campaign_id = ? order by l.id", campaignId));
    }
}
