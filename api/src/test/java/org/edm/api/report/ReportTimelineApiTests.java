package org.edm.api.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.edm.api.ApiTestSupport;
import org.edm.api.tracking.SentDeliveries;
import org.junit.jupiter.api.Test;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ReportTimelineApiTests extends ApiTestSupport {

    private static final List<String> KINDS = List.of("sent", "bounced", "opened", "clicked", "replied",
            "unsubscribed");
    private final ObjectMapper mapper = new ObjectMapper();

    /** 2026-03-01 00:00 UTC, a fixed day so buckets are known; {@code hours} later. */
    private static Instant at(double hours) {
        return Instant.parse("2026-03-01T00:00:00Z").plusSeconds((long) (hours * 3600));
    }

    private void event(SentDeliveries.Sent sent, String type, boolean machine, Instant when) {
        jdbc.update("""
                INSERT INTO event_log (delivery_id, task_id, campaign_id, contact_id, type, machine, occurred_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)""", sent.deliveryId(), sent.taskId(), sent.campaignId(), sent.contactId(),
                type, machine, Timestamp.from(when));
    }

    @Test
    void countsEachDeliveryOnceInTheBucketOfItsFirstEventAndSumsToTheReportsTotals() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        long a = f.template("TA");
        long b = f.template("TB");
        long campaign = f.campaign("timeline");
        long task1 = f.task(campaign, 1, f.templateSet(a, b));
        long task2 = f.task(campaign, 2, f.templateSet(a));
        String run = "tl-" + System.nanoTime();
        SentDeliveries.Sent s1 = f.sent(campaign, task1, a, f.contact(run + "-1@example.test"), "SENT", at(0.1));
        SentDeliveries.Sent s2 = f.sent(campaign, task1, a, f.contact(run + "-2@example.test"), "SENT", at(0.2));
        SentDeliveries.Sent s3 = f.sent(campaign, task1, b, f.contact(run + "-3@example.test"), "SENT", at(1.5));
        SentDeliveries.Sent s4 = f.sent(campaign, task1, b, f.contact(run + "-4@example.test"), "SENT", at(1.6));
        f.sent(campaign, task1, b, f.contact(run + "-5@example.test"), "FAILED", null);
        SentDeliveries.Sent t2 = f.sent(campaign, task2, a, f.contact(run + "-6@example.test"), "SENT", at(26));
        event(s1, "OPEN", false, at(0.5));
        event(s1, "OPEN", false, at(3.5));   // a repeat open: still one opened, in hour 0
        event(s1, "CLICK", false, at(3.6));
        event(s2, "OPEN", true, at(0.6));    // a privacy proxy: not opened
        event(s3, "CLICK", false, at(1.7));  // pixel blocked, clicked: opened in hour 1
        event(s3, "UNSUBSCRIBE", false, at(1.8));
        event(s4, "BOUNCE", false, at(1.65));
        event(t2, "REPLY", false, at(28.2));
        event(t2, "OPEN", false, at(27.1));
        // an API message sent with the campaign's id counts in the campaign's timeline as in its report
        long message = jdbc.queryForObject("""
                INSERT INTO api_messages (public_id, request_id, owner_id, campaign_id, from_address, to_address,
                                          subject, html_body, token, status, sent_at)
                VALUES (?, 'req_tl', 1, ?, 'service@mail.example.test', 'api-tl@example.test', 'Hi', '<p>1</p>',
                        ?, 'SENT', ?) RETURNING id
                """, Long.class, "msg_tl" + System.nanoTime(), campaign, "mtl" + System.nanoTime(),
                Timestamp.from(at(2.2)));
        jdbc.update("""
                INSERT INTO event_log (message_id, campaign_id, type, machine, occurred_at)
                VALUES (?, ?, 'OPEN', FALSE, ?)""", message, campaign, Timestamp.from(at(2.3)));

        getJson("/v1/tasks/" + task1 + "/report/timeline").andExpect(status().isOk())
                .andExpect(jsonPath("$.bucket").value("hour"))
                .andExpect(jsonPath("$.time_zone").value("UTC"))
                .andExpect(jsonPath("$.points.length()").value(4))  // hours 0..3, hour 2 empty
                .andExpect(jsonPath("$.points[0].start").value("2026-03-01T00:00:00Z"))
                .andExpect(jsonPath("$.points[0].sent").value(2))
                .andExpect(jsonPath("$.points[0].opened").value(1))
                .andExpect(jsonPath("$.points[1].sent").value(2))
                .andExpect(jsonPath("$.points[1].bounced").value(1))
                .andExpect(jsonPath("$.points[1].opened").value(1))
                .andExpect(jsonPath("$.points[1].clicked").value(1))
                .andExpect(jsonPath("$.points[1].unsubscribed").value(1))
                .andExpect(jsonPath("$.points[2].sent").value(0))
                .andExpect(jsonPath("$.points[2].opened").value(0))
                .andExpect(jsonPath("$.points[3].start").value("2026-03-01T03:00:00Z"))
                .andExpect(jsonPath("$.points[3].opened").value(0))  // s1 opened earlier
                .andExpect(jsonPath("$.points[3].clicked").value(1));

        getJson("/v1/campaigns/" + campaign + "/report/timeline?bucket=day&time_zone=Asia/Shanghai")
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.bucket").value("day"))
                .andExpect(jsonPath("$.time_zone").value("Asia/Shanghai"))
                // Shanghai is UTC+8: 00:00-15:59 UTC on 1 March is 1 March there (from 16:00 UTC the day before); 26-28 h
                // UTC is 2 March
                .andExpect(jsonPath("$.points.length()").value(2))
                .andExpect(jsonPath("$.points[0].start").value("2026-02-28T16:00:00Z"))
                .andExpect(jsonPath("$.points[0].sent").value(5))
                .andExpect(jsonPath("$.points[1].start").value("2026-03-01T16:00:00Z"))
                .andExpect(jsonPath("$.points[1].sent").value(1))
                .andExpect(jsonPath("$.points[1].opened").value(1))
                .andExpect(jsonPath("$.points[1].replied").value(1));

        assertSumsEqualTotals("/v1/tasks/" + task1 + "/report");
        assertSumsEqualTotals("/v1/tasks/" + task2 + "/report");
        assertSumsEqualTotals("/v1/campaigns/" + campaign + "/report");
    }

    private void assertSumsEqualTotals(String report) throws Exception {
        JsonNode totals = mapper.readTree(body(getJson(report).andExpect(status().isOk()))).get("totals");
        for (String bucket : List.of("hour", "day")) {
            JsonNode points = mapper.readTree(body(getJson(report + "/timeline?bucket=" + bucket)
                    .andExpect(status().isOk()))).get("points");
            for (String kind : KINDS) {
                long sum = 0;
                for (JsonNode p : points) {
                    sum += p.get(kind).asLong();
                }
                assertThat(sum).as("%s %s by %s", report, kind, bucket).isEqualTo(totals.get(kind).asLong());
            }
        }
        assertThat(totals.get("sent").asLong()).as("the fixture sends something").isPositive();
    }

    @Test
    void badParametersAre400OtherOperatorsCampaignsAre404AndNothingHappenedIsEmpty() throws Exception {
        SentDeliveries f = new SentDeliveries(jdbc);
        long campaign = f.campaign("timeline-checks");
        long tc = f.template("TC");
        long task = f.task(campaign, 1, f.templateSet(tc));

        getJson("/v1/tasks/" + task + "/report/timeline").andExpect(status().isOk())
                .andExpect(jsonPath("$.points.length()").value(0));
        getJson("/v1/campaigns/" + campaign + "/report/timeline").andExpect(status().isOk())
                .andExpect(jsonPath("$.points.length()").value(0));

        getJson("/v1/tasks/" + task + "/report/timeline?bucket=week").andExpectAll(invalidField("bucket"));
        // present but empty is a wrong value, not the default (found by schemathesis)
        getJson("/v1/tasks/" + task + "/report/timeline?bucket=").andExpectAll(invalidField("bucket"));
        getJson("/v1/campaigns/" + campaign + "/report/timeline?time_zone=").andExpect(status().isBadRequest());
        getJson("/v1/campaigns/" + campaign + "/report/timeline?time_zone=Mars/Olympus")
                .andExpectAll(invalidField("time_zone"));

        // 100 days of hours is more than 2,000 buckets: refused, and the same span by day is fine
        String run = "tl-span-" + System.nanoTime();
        f.sent(campaign, task, tc, f.contact(run + "-1@example.test"), "SENT", at(0));
        f.sent(campaign, task, tc, f.contact(run + "-2@example.test"), "SENT", at(24 * 100));
        getJson("/v1/tasks/" + task + "/report/timeline").andExpectAll(invalidField("bucket"))
                .andExpect(jsonPath("$.detail").value(org.hamcrest.Matchers.containsString("bucket=day")));
        getJson("/v1/tasks/" + task + "/report/timeline?bucket=day").andExpect(status().isOk())
                .andExpect(jsonPath("$.points.length()").value(101))
                .andExpect(jsonPath("$.points[100].sent").value(1));

        long operator = createOperator("timeline-op-" + System.nanoTime());
        getJson("/v1/campaigns/" + campaign + "/report/timeline", asUser(operator))
                .andExpectAll(problem(404, "campaign " + campaign));
        getJson("/v1/tasks/" + task + "/report/timeline", asUser(operator))
                .andExpectAll(problem(404, "task " + task));
        getJson("/v1/tasks/999999999/report/timeline").andExpectAll(problem(404, "task 999999999"));
    }
}
