package org.edm.api.dashboard;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;

import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class DashboardApiTests extends ApiTestSupport {

    @Test
    void showsQuotaRunningTasksAndTodaysSendsAndFailures() throws Exception {
        long campaign = createCampaign(createTemplateSet());
        long task = jdbc.queryForObject("select id from tasks where campaign_id = ? order by seq limit 1", Long.class,
                campaign);
        jdbc.update("update tasks set status = 'SENDING', actual_start_time = now() where id = ?", task);
        java.sql.Timestamp midnight = java.sql.Timestamp.from(java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .atStartOfDay(java.time.ZoneOffset.UTC).toInstant());
        long sentBefore = jdbc.queryForObject("""
                select count(*) from deliveries d join tasks t on t.id = d.task_id
                 where t.owner_id = 1 and d.status = 'SENT' and d.sent_at >= ? and t.actual_start_time is not null
                   and (t.actual_end_time is null or t.actual_end_time >= ?)""", Long.class, midnight, midnight);
        String[] statuses = {"SENT", "SENT", "SENT", "FAILED", "PENDING", "PENDING"};
        for (int i = 0; i < statuses.length; i++) {
            long contact = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                    Long.class, "dash-" + task + "-" + i + "@example.com");
            jdbc.update("insert into deliveries (task_id, contact_id, status, token, sent_at, claim_token) "
                    + "values (?, ?, ?, ?, ?, CASE WHEN CAST(? AS text) = 'PENDING' THEN NULL ELSE 'no claim' END)",
                    task, contact, statuses[i], "dash-" + task + "-" + i,
                    statuses[i].equals("SENT") ? java.sql.Timestamp.from(java.time.Instant.now()) : null, statuses[i]);
        }
        // yesterday's send does not count as today's
        long old = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                Long.class, "dash-" + task + "-old@example.com");
        jdbc.update("insert into deliveries (task_id, contact_id, status, token, sent_at, claim_token) values (?, ?, "
                + "'SENT', ?, now() - interval '2 days', 'test/claim')", task, old, "dash-" + task + "-old");

        getJson("/v1/me/dashboard?time_zone=UTC").andExpect(status().isOk())
                .andExpect(jsonPath("$.quota_balance").isNumber())
                .andExpect(jsonPath("$.time_zone").value("UTC"))
                .andExpect(jsonPath("$.today.sent").value((int) sentBefore + 3))
                .andExpect(jsonPath("$.running_tasks[?(@.id == " + task + ")].pending").value(2))
                .andExpect(jsonPath("$.running_tasks[?(@.id == " + task + ")].sent").value(4))
                .andExpect(jsonPath("$.running_tasks[?(@.id == " + task + ")].failed").value(1))
                .andExpect(jsonPath("$.running_tasks[?(@.id == " + task + ")].status").value("SENDING"));
        getJson("/v1/me/dashboard?time_zone=Mars/Base").andExpectAll(invalidField("time_zone"));
    }
}
