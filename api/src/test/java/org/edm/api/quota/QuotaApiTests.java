package org.edm.api.quota;

import com.jayway.jsonpath.JsonPath;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.edm.api.ApiTestSupport;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskWorkflow;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** F23 over REST: the draft check, the activation's all-or-nothing reservation, admin adjustments, the ledger. */
class QuotaApiTests extends ApiTestSupport {

    @Test
    void aDraftWhosePlannedAudienceExceedsTheBalanceIsRejectedNamingWhatIsMissing() throws Exception {
        String tag = audienceOfUser1(30);
        long set = createTemplateSet();
        setBalanceOfUser1(40);
        rememberRowCounts();
        long ledgerRows = ledgerRows(1);

        postJson("/v1/campaigns", twoTaskCampaign(tag, set))
                .andExpectAll(problem(409, "needs 60, balance 40, missing 20"))
                .andExpect(jsonPath("$.missing").value(20));

        assertRowCountsUnchanged();
        assertThat(ledgerRows(1)).isEqualTo(ledgerRows);
    }

    @Test
    void activationReservesEveryTasksPlannedAudienceAllOrNothing() throws Exception {
        String tag = audienceOfUser1(30);
        long campaign = idOf(postJson("/v1/campaigns", twoTaskCampaign(tag, createTemplateSet()))
                .andExpect(status().isCreated()));
        setBalanceOfUser1(40);
        long ledgerRows = ledgerRows(1);

        postJson("/v1/campaigns/" + campaign + "/activate", "")
                .andExpectAll(problem(409, "needs 60, balance 40, missing 20"));
        assertThat(jdbc.queryForObject("select status from campaigns where id = ?", String.class, campaign))
                .isEqualTo("DRAFT");
        assertThat(ledgerRows(1)).as("nothing written").isEqualTo(ledgerRows);
        assertThat(reservedIn(campaign)).isZero();

        adjust(1, 20, "top up for the spring launch").andExpect(status().isCreated());
        postJson("/v1/campaigns/" + campaign + "/activate", "").andExpect(status().isOk());

        getJson("/v1/me/quota").andExpect(status().isOk())
                .andExpect(jsonPath("$.balance").value(0))
                .andExpect(jsonPath("$.reserved_in_unstarted_tasks").value(60))
                .andExpect(jsonPath("$.low").value(true));
        assertThat(jdbc.queryForList("""
                select reason || ' ' || delta from user_quota_ledger where user_id = 1 order by id desc limit 2
                """, String.class)).containsExactly("TASK_RESERVE -30", "TASK_RESERVE -30");

        // an unstarted task that is deleted gives its reservation back
        long second = jdbc.queryForObject("select id from tasks where campaign_id = ? and seq = 1", Long.class,
                campaign);
        deleteJson("/v1/tasks/" + second).andExpect(status().isNoContent());
        getJson("/v1/me/quota").andExpect(jsonPath("$.balance").value(30));
        assertThat(jdbc.queryForObject("select count(*) from alerts where kind = 'QUOTA_LOW' and subject = 'user:1'",
                Long.class)).isPositive();
    }

    @Test
    void retryingFailedDeliveriesChargesTheirCountFirst() throws Exception {
        String tag = audienceOfUser1(5);
        long campaign = idOf(postJson("/v1/campaigns", twoTaskCampaign(tag, createTemplateSet()))
                .andExpect(status().isCreated()));
        long task = jdbc.queryForObject("select id from tasks where campaign_id = ? and seq = 0", Long.class,
                campaign);
        jdbc.update("update tasks set status = 'FINISHED', actual_start_time = now(), actual_end_time = now() "
                + "where id = ?", task);
        jdbc.update("""
                insert into deliveries (task_id, contact_id, status, token, claim_token)
                select ?, id, 'FAILED', 'retry-' || ? || '-' || id, 'test/claim'
                  from contacts where owner_id = 1 and ? = any(tags)
                """, task, task, tag);
        setBalanceOfUser1(3);

        postJson("/v1/tasks/" + task + "/retry", "").andExpectAll(problem(409, "needs 5, balance 3, missing 2"));
        assertThat(jdbc.queryForObject("select count(*) from deliveries where task_id = ? and status = 'FAILED'",
                Long.class, task)).isEqualTo(5);

        adjust(1, 2, "for the retry").andExpect(status().isCreated());
        postJson("/v1/tasks/" + task + "/retry", "").andExpect(status().isAccepted());
        getJson("/v1/me/quota").andExpect(jsonPath("$.balance").value(0));
        assertThat(jdbc.queryForObject("select reason || ' ' || delta || ' ' || reference from user_quota_ledger "
                + "where user_id = 1 order by id desc limit 1", String.class))
                .isEqualTo("RETRY_RESERVE -5 task:" + task);
    }

    @Test
    void anAdminAdjustsAUsersQuotaThroughTheLedgerButNeverBelowZero() throws Exception {
        long user = newOperator();

        adjust(user, 500, "welcome").andExpect(status().isCreated())
                .andExpect(jsonPath("$.user_id").value(user))
                .andExpect(jsonPath("$.balance").value(500));
        adjust(user, -600, "too much").andExpectAll(problem(409, "balance of 500"));
        adjust(user, -120, "correction").andExpect(status().isCreated()).andExpect(jsonPath("$.balance").value(380));
        postJson("/v1/users/" + user + "/quota-adjustments", "{\"delta\": 10}").andExpectAll(invalidField("note"));
        postJson("/v1/users/" + user + "/quota-adjustments", "{\"delta\": 0, \"note\": \"x\"}")
                .andExpectAll(invalidField("delta"));
        adjust(987654321, 10, "nobody").andExpectAll(problem(404, "user 987654321"));
        getJson("/v1/users/987654321/quota").andExpect(status().isNotFound());

        getJson("/v1/users/" + user + "/quota").andExpect(status().isOk())
                .andExpect(jsonPath("$.balance").value(380))
                .andExpect(jsonPath("$.reserved_in_running_tasks").value(0));
        assertThat(jdbc.queryForObject("""
                select quota_balance = (select sum(delta) from user_quota_ledger where user_id = u.id)
                  from users u where id = ?
                """, Boolean.class, user)).isTrue();
    }

    @Test
    void aGrantWakesTheUsersTasksPausedForWantOfQuota() throws Exception {
        long user = newOperator();
        long set = jdbc.queryForObject("insert into template_sets (owner_id, name) values (?, 'q') returning id",
                Long.class, user);
        long campaign = jdbc.queryForObject("insert into campaigns (owner_id, name, start_time, status) "
                + "values (?, 'q', now(), 'ACTIVE') returning id", Long.class, user);
        long waiting = waitingForQuota(campaign, user, set, 0);
        long withoutRun = waitingForQuota(campaign, user, set, 1);
        WorkflowClient.start(workflowClient.newWorkflowStub(TaskWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(waiting)).setTaskQueue(TaskQueues.EDM).build())::run,
                new TaskInput(waiting, campaign));

        adjust(user, 100, "top up").andExpect(status().isCreated());

        // a signal that arrives while the run's first workflow task is in flight is written to the history only when
        // that task completes, so it may show a moment after the grant's response
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                workflowClient.fetchHistory(WorkflowIds.task(waiting)).getEvents().stream()
                        .filter(e -> e.hasWorkflowExecutionSignaledEventAttributes())
                        .map(e -> e.getWorkflowExecutionSignaledEventAttributes().getSignalName()))
                .containsExactly("quotaGranted"));
        assertThat(withoutRun).as("a task without a run does not fail the grant").isPositive();
    }

    private long waitingForQuota(long campaign, long user, long set, int seq) {
        return jdbc.queryForObject("""
                insert into tasks (campaign_id, owner_id, seq, name, plan_time, template_set_id, sender_name, status,
                                   pause_reason)
                values (?, ?, ?, 'waiting', now(), ?, 'news', 'PAUSED', '当前没有发信额度') returning id
                """, Long.class, campaign, user, seq, set);
    }

    @Test
    void theLedgerIsPagedNewestFirst() throws Exception {
        long user = newOperator();
        adjust(user, 100, "first").andExpect(status().isCreated());
        adjust(user, 50, "second").andExpect(status().isCreated());
        adjust(user, -30, "third").andExpect(status().isCreated());

        getJson("/v1/users/" + user + "/quota/ledger?page=0&size=2").andExpect(status().isOk())
                .andExpect(jsonPath("$.total_items").value(3))
                .andExpect(jsonPath("$.total_pages").value(2))
                .andExpect(jsonPath("$.items[0].note").value("third"))
                .andExpect(jsonPath("$.items[0].delta").value(-30))
                .andExpect(jsonPath("$.items[0].balance_after").value(120))
                .andExpect(jsonPath("$.items[0].reason").value("ADMIN_ADJUST"))
                .andExpect(jsonPath("$.items[0].actor_id").value(1))
                .andExpect(jsonPath("$.items[1].note").value("second"));
        getJson("/v1/users/" + user + "/quota/ledger?page=1&size=2")
                .andExpect(jsonPath("$.items.length()").value(1))
                .andExpect(jsonPath("$.items[0].note").value("first"));
        getJson("/v1/users/" + user + "/quota/ledger?size=500").andExpectAll(invalidField("size"));
        getJson("/v1/me/quota/ledger?size=1").andExpect(status().isOk())
                .andExpect(jsonPath("$.items.length()").value(1));
    }

    // ---- helpers

    private org.springframework.test.web.servlet.ResultActions adjust(long user, long delta, String note)
            throws Exception {
        return postJson("/v1/users/" + user + "/quota-adjustments",
                "{\"delta\": " + delta + ", \"note\": \"" + note + "\"}");
    }

    private long newOperator() {
        return jdbc.queryForObject("insert into users (username) values (?) returning id", Long.class,
                "operator-" + System.nanoTime());
    }

    /** {@code n} contacts of user 1 with a tag of their own; returns the tag. */
    private String audienceOfUser1(int n) {
        String tag = "quota-" + System.nanoTime();
        jdbc.update("""
                insert into contacts (owner_id, email, tags)
                select 1, ? || '-' || g || '@example.test', array[?] from generate_series(1, ?) g
                """, tag, tag, n);
        return tag;
    }

    private static String twoTaskCampaign(String tag, long set) {
        return """
                {"name": "Quota", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 2,
                 "tasks": [
                   {"name": "intro", "recipient_rule": {"include_tags": ["%s"]}, "template_set_id": %d,
                    "sender_name": "news"},
                   {"name": "follow-up", "recipient_rule": {"include_tags": ["%s"],
                    "exclude_labels": ["replied_in_campaign"]}, "template_set_id": %d, "sender_name": "news"}
                 ]}
                """.formatted(tag, set, tag, set);
    }

    /** Through the admin endpoint, so the ledger stays the quota's history. */
    private void setBalanceOfUser1(long target) throws Exception {
        String body = body(getJson("/v1/me/quota"));
        long balance = ((Number) JsonPath.read(body, "$.balance")).longValue();
        if (balance != target) {
            adjust(1, target - balance, "test: set the balance").andExpect(status().isCreated());
        }
    }

    private long ledgerRows(long user) {
        return jdbc.queryForObject("select count(*) from user_quota_ledger where user_id = ?", Long.class, user);
    }

    private long reservedIn(long campaign) {
        return jdbc.queryForObject("select coalesce(sum(quota_reserved), 0) from tasks where campaign_id = ?",
                Long.class, campaign);
    }
}
