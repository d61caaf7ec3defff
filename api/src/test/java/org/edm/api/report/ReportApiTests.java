package org.edm.api.report;

import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ReportApiTests extends ApiTestSupport {

    private void event(SentDeliveries.Sent sent, String type, boolean machine) {
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, type, machine)
                VALUES (?, ?, ?, ?, ?, ?)""", sent.deliveryId(), sent.taskId(), sent.campaignId(), sent.contactId(),
                type, machine);
    }

    @Test
    void taskAndCampaignReportsCountPerDeliveryInTotalAndPerTemplate() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        long a = f.template("A");
        long b = f.template("B");
        long campaign = f.campaign("report");
        long task1 = f.task(campaign, 1, f.templateSet(a, b));
        long task2 = f.task(campaign, 2, f.templateSet(a));
        Instant hourAgo = Instant.now().minusSeconds(3600);
        String run = "rep-" + System.nanoTime();
        SentDeliveries.Sent s1 = f.sent(campaign, task1, a, f.contact(run + "-1@example.test"), "SENT", hourAgo);
        SentDeliveries.Sent s2 = f.sent(campaign, task1, a, f.contact(run + "-2@example.test"), "SENT", hourAgo);
        SentDeliveries.Sent s3 = f.sent(campaign, task1, b, f.contact(run + "-3@example.test"), "SENT", hourAgo);
        SentDeliveries.Sent s4 = f.sent(campaign, task1, b, f.contact(run + "-4@example.test"), "SENT", hourAgo);
        f.sent(campaign, task1, b, f.contact(run + "-5@example.test"), "FAILED", null);
        SentDeliveries.Sent t2 = f.sent(campaign, task2, a, f.contact(run + "-6@example.test"), "SENT", hourAgo);
        event(s1, "OPEN", false);
        event(s1, "OPEN", false);
        event(s1, "CLICK", false);
        event(s2, "OPEN", true);  // a privacy proxy: not opened
        event(s3, "CLICK", false); // pixel blocked, clicked: opened
        event(s3, "UNSUBSCRIBE", false);
        event(s4, "BOUNCE", false);
        event(t2, "REPLY", false);
        event(t2, "OPEN", false);

        getJson("/v1/tasks/" + task1 + "/report").andExpect(status().isOk())
                .andExpect(jsonPath("$.task_id").value(task1))
                .andExpect(jsonPath("$.totals.audience").value(5))
                .andExpect(jsonPath("$.totals.sent").value(4))
                .andExpect(jsonPath("$.totals.failed").value(1))
                .andExpect(jsonPath("$.totals.bounced").value(1))
                .andExpect(jsonPath("$.totals.delivered").value(3))
                .andExpect(jsonPath("$.totals.opened").value(2))
                .andExpect(jsonPath("$.totals.clicked").value(2))
                .andExpect(jsonPath("$.totals.unsubscribed").value(1))
                .andExpect(jsonPath("$.totals.replied").value(0))
                .andExpect(jsonPath("$.totals.opens").value(3))
                .andExpect(jsonPath("$.totals.machine_opens").value(1))
                .andExpect(jsonPath("$.totals.rates.opened").value(0.6667))
                .andExpect(jsonPath("$.totals.rates.bounced").value(0.25))
                .andExpect(jsonPath("$.by_template.length()").value(2))
                .andExpect(jsonPath("$.by_template[0].template_id").value(a))
                .andExpect(jsonPath("$.by_template[0].template_name").value("A"))
                .andExpect(jsonPath("$.by_template[0].counts.sent").value(2))
                .andExpect(jsonPath("$.by_template[0].counts.opened").value(1))
                .andExpect(jsonPath("$.by_template[1].counts.audience").value(3))
                .andExpect(jsonPath("$.by_template[1].counts.bounced").value(1))
                .andExpect(jsonPath("$.by_template[1].counts.rates.opened").value(1.0));

        getJson("/v1/campaigns/" + campaign + "/report").andExpect(status().isOk())
                .andExpect(jsonPath("$.totals.sent").value(5))
                .andExpect(jsonPath("$.totals.opened").value(3))
                .andExpect(jsonPath("$.totals.replied").value(1))
                .andExpect(jsonPath("$.by_template[0].counts.sent").value(3))
                .andExpect(jsonPath("$.by_task.length()").value(2))
                .andExpect(jsonPath("$.by_task[1].task_id").value(task2))
                .andExpect(jsonPath("$.by_task[1].totals.rates.replied").value(1.0));
    }

    @Test
    void aTaskWithoutDeliveriesReportsZerosAndUnknownIdsAre404() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        long campaign = f.campaign("empty");
        long task = f.task(campaign, 1, f.templateSet(f.template("E")));

        getJson("/v1/tasks/" + task + "/report").andExpect(status().isOk())
                .andExpect(jsonPath("$.totals.sent").value(0))
                .andExpect(jsonPath("$.totals.rates.opened").value(0))
                .andExpect(jsonPath("$.by_template.length()").value(0));
        getJson("/v1/tasks/999999999/report").andExpectAll(problem(404, "task 999999999"));
        getJson("/v1/campaigns/999999999/report").andExpectAll(problem(404, "campaign 999999999"));
    }
}
