package org.edm.worker;

import com.icegreen.greenmail.util.GreenMailUtil;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.campaign.CampaignInput;
import org.edm.workflows.campaign.CampaignWorkflow;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole send path in one process: the lead's campaign, task and sender-service workflows on the time-skipping
 * test server, the worker's real activity beans, PostgreSQL and an SMTP server. Three days of campaign run in
 * seconds.
 */
class CampaignDeliveryIntegrationTests extends SendPathTestSupport {

    private static final int CONTACTS = 100;
    private static final Pattern BODY = Pattern.compile("Template (\\w) for (Nick \\d+)");

    @Test
    void aThreeTaskCampaignSendsEveryTaskToEveryContactOnceOverThreeDays() throws Exception {
        long owner = f.user("operator-" + System.nanoTime());
        f.contacts(owner, "reader", CONTACTS);
        long set = f.templateSet(owner,
                f.template(owner, "A: hi {{nickname}}", "<p>Template A for {{nickname}}</p>"),
                f.template(owner, "B: hi {{nickname}}", "<p>Template B for {{nickname}}</p>"),
                f.template(owner, "C: hi {{nickname}}", "<p>Template C for {{nickname}}</p>"));
        long service = f.smtpService("mail.example", smtp.getSmtp().getPort(), 100_000, 0, null, null);
        f.grant(owner, service);
        long campaign = f.campaign(owner, "Three days");
        Instant start = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofMinutes(5));
        List<Long> tasks = List.of(
                f.task(campaign, owner, 1, start, "{}", set, "news"),
                f.task(campaign, owner, 2, start.plus(Duration.ofDays(1)), "{}", set, "news"),
                f.task(campaign, owner, 3, start.plus(Duration.ofDays(2)), "{}", set, "news"));

        CampaignWorkflow workflow = client.newWorkflowStub(CampaignWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.campaign(campaign))
                .setTaskQueue(TaskQueues.EDM)
                .build());
        WorkflowClient.start(workflow::run, new CampaignInput(campaign));
        // waiting on the result lets the test server skip the days between tasks
        WorkflowStub.fromTyped(workflow).getResult(3, TimeUnit.MINUTES, Void.class);

        MimeMessage[] mails = smtp.getReceivedMessages();
        assertThat(mails).hasSize(3 * CONTACTS);
        Map<String, Integer> perRecipient = new HashMap<>();
        Map<String, Integer> perTemplate = new HashMap<>();
        for (MimeMessage mail : mails) {
            String to = mail.getRecipients(Message.RecipientType.TO)[0].toString();
            perRecipient.merge(to, 1, Integer::sum);
            assertThat(mail.getFrom()[0].toString()).isEqualTo("news@mail.example");
            Matcher body = BODY.matcher(GreenMailUtil.getBody(mail));
            assertThat(body.find()).as("rendered body of a mail to %s", to).isTrue();
            String number = to.substring("reader-".length(), to.indexOf('@'));
            assertThat(body.group(2)).as("the nickname of the recipient").isEqualTo("Nick " + number);
            assertThat(mail.getSubject()).isEqualTo(body.group(1) + ": hi Nick " + number);
            perTemplate.merge(body.group(1), 1, Integer::sum);
        }
        assertThat(perRecipient).hasSize(CONTACTS).allSatisfy((to, n) -> assertThat(n).as(to).isEqualTo(3));
        // 300 uniform draws over 3 templates: fewer than 60 of one happens with probability below 1e-5
        assertThat(perTemplate).containsOnlyKeys("A", "B", "C")
                .allSatisfy((template, n) -> assertThat(n).as("template %s", template).isGreaterThanOrEqualTo(60));

        assertThat(jdbc.queryForObject("SELECT status FROM campaigns WHERE id = ?", String.class, campaign))
                .isEqualTo("COMPLETED");
        for (long task : tasks) {
            assertThat(f.taskStatus(task)).isEqualTo("FINISHED");
            assertThat(f.deliveryStatuses(task)).containsExactly(Map.entry("SENT", (long) CONTACTS));
            assertThat(jdbc.queryForObject("SELECT (summary_stats->>'sent')::int + (summary_stats->>'failed')::int "
                    + "+ (summary_stats->>'unknown')::int + (summary_stats->>'skipped')::int FROM tasks WHERE id = ?",
                    Integer.class, task)).isEqualTo(CONTACTS);
            assertThat(jdbc.queryForObject("SELECT audience_size FROM tasks WHERE id = ?", Integer.class, task))
                    .isEqualTo(CONTACTS);
        }
        List<Instant> started = jdbc.queryForList("SELECT actual_start_time FROM tasks WHERE campaign_id = ? "
                + "ORDER BY seq", java.sql.Timestamp.class, campaign).stream().map(java.sql.Timestamp::toInstant)
                .toList();
        assertThat(started).hasSize(3).doesNotContainNull();
        // counted on the real clock's quota day, which may turn over while the test runs
        assertThat(jdbc.queryForObject("SELECT used_today FROM sender_services WHERE id = ?", Integer.class,
                service)).isBetween(1, 3 * CONTACTS);
    }
}
