package org.edm.worker;

import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.edm.workflows.task.TaskWorkflow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Pause, resume and cancel of a sending task with the real workflows, activities, PostgreSQL and an SMTP server: a
 * paused task stops pulling within one batch, resume continues, cancel turns every unsent delivery CANCELLED.
 */
class TaskLifecycleIntegrationTests extends SendPathTestSupport {

    private static final int CONTACTS = 30;

    private int sent(long task) {
        return jdbc.queryForObject("SELECT count(*) FROM deliveries WHERE task_id = ? AND status = 'SENT'",
                Integer.class, task);
    }

    @Test
    void aPausedTaskStopsPullingResumeContinuesCancelCancelsTheRest() throws Exception {
        long owner = f.user("lifecycle-" + System.nanoTime());
        f.contacts(owner, "reader", CONTACTS);
        long set = f.templateSet(owner, f.template(owner, "hi {{nickname}}", "<p>Hello {{nickname}}</p>"));
        // one mail a minute, so the test can act between sends
        long service = f.smtpService("slow.example", smtp.getSmtp().getPort(), 100_000, 60, null, null);
        f.grant(owner, service);
        long campaign = f.campaign(owner, "lifecycle");
        Instant start = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofMinutes(1));
        long task = f.task(campaign, owner, 1, start, "{}", set, "news");

        CampaignWorkflow workflow = client.newWorkflowStub(CampaignWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.campaign(campaign)).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(workflow::run, new CampaignInput(campaign));
        env.sleep(Duration.ofMinutes(6));
        int beforePause = sent(task);
        assertThat(beforePause).as("sending at one a minute").isBetween(2, CONTACTS - 10);

        TaskWorkflow taskWorkflow = client.newWorkflowStub(TaskWorkflow.class, WorkflowIds.task(task));
        taskWorkflow.pause("paused by operator");
        env.sleep(Duration.ofMinutes(2));
        assertThat(f.taskStatus(task)).isEqualTo("PAUSED");
        assertThat(jdbc.queryForObject("SELECT pause_reason FROM tasks WHERE id = ?", String.class, task))
                .isEqualTo("paused by operator");
        int atPause = sent(task);
        env.sleep(Duration.ofHours(2));
        assertThat(sent(task)).as("nothing sent while paused (one batch may finish)").isEqualTo(atPause);
        assertThat(atPause - beforePause).isLessThanOrEqualTo(3);

        taskWorkflow.resume();
        env.sleep(Duration.ofMinutes(5));
        assertThat(f.taskStatus(task)).isEqualTo("SENDING");
        int afterResume = sent(task);
        assertThat(afterResume).as("sending again").isGreaterThan(atPause);

        taskWorkflow.cancel("cancelled by operator");
        WorkflowStub.fromTyped(workflow).getResult(3, TimeUnit.MINUTES, Void.class);
        env.sleep(Duration.ofMinutes(5));
        assertThat(f.taskStatus(task)).isEqualTo("CANCELLED");
        Map<String, Long> statuses = f.deliveryStatuses(task);
        assertThat(statuses.keySet()).containsOnly("SENT", "CANCELLED");
        assertThat(statuses.get("SENT") + statuses.get("CANCELLED")).isEqualTo(CONTACTS);
        assertThat(smtp.getReceivedMessages()).hasSize(statuses.get("SENT").intValue());
        List<String> log = jdbc.queryForList("SELECT coalesce(from_status, '') || '>' || to_status FROM "
                + "task_execution_log WHERE task_id = ? ORDER BY id", String.class, task);
        assertThat(log).containsSubsequence("SCHEDULED>SENDING", "SENDING>PAUSED", "PAUSED>SENDING",
                "SENDING>CANCELLED");
        // issue 5: charged the audience at the start, the pause refunded and the resume re-reserved the unsent, the
        // cancel refunded the rest: what is gone is exactly what was sent, and the ledger says so
        assertThat(f.quotaBalance(owner)).isEqualTo(1_000_000 - statuses.get("SENT"));
        assertThat(jdbc.queryForList("SELECT reason FROM user_quota_ledger WHERE user_id = ? ORDER BY id",
                String.class, owner)).containsExactly("ADMIN_ADJUST", "TASK_RECONCILE", "PAUSE_REFUND",
                "RESUME_RESERVE", "CANCEL_REFUND");
    }
}
