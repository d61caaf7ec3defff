package org.edm.api.monitoring;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * What Prometheus scrapes from the api: the meters the README lists, with the values an operator would act on.
 * Spring's test support turns metric export off unless asked ({@link AutoConfigureObservability}).
 */
@AutoConfigureObservability(tracing = false)
class PrometheusEndpointTests extends ApiTestSupport {

    @Autowired
    private OperationsGauges gauges;

    @Test
    void scrapeShowsQuotaFrozenServicesTasksPendingDeliveriesAndLagWithoutAToken() throws Exception {
        // a frozen service that has used 120 of 500 today (its quota day: today in its zone, reset at midnight)
        long service = jdbc.queryForObject("""
                INSERT INTO sender_services (name, provider, domain, daily_quota, used_today, quota_day, time_zone,
                                             health_status, frozen_reason, frozen_at)
                VALUES ('metrics', 'SMTP', 'metrics.example', 500, 120,
                        (now() AT TIME ZONE 'Asia/Shanghai')::date, 'Asia/Shanghai', 'FROZEN', 'test', now())
                RETURNING id""", Long.class);
        // yesterday's usage no longer counts: the whole quota is left
        long rolledOver = jdbc.queryForObject("""
                INSERT INTO sender_services (name, provider, domain, daily_quota, used_today, quota_day, time_zone)
                VALUES ('metrics-2', 'ALIYUN_DM', 'metrics.example', 300, 300,
                        (now() AT TIME ZONE 'UTC')::date - 2, 'UTC')
                RETURNING id""", Long.class);
        long campaign = createCampaign(createTemplateSet());
        long task = jdbc.queryForObject("SELECT id FROM tasks WHERE campaign_id = ? ORDER BY seq LIMIT 1", Long.class,
                campaign);
        // due ten minutes ago and nothing sent yet: the lag is at least ten minutes
        jdbc.update("UPDATE tasks SET status = 'SENDING', plan_time = now() - interval '10 minutes' WHERE id = ?",
                task);
        for (int i = 0; i < 3; i++) {
            jdbc.update("INSERT INTO deliveries (task_id, status, token) VALUES (?, 'PENDING', ?)", task,
                    "metrics-" + task + "-" + i);
        }
        gauges.refresh();

        String body = scrape();
        assertThat(value(body, "edm_sender_service_quota_remaining", "sender_service=\"" + service + "\""))
                .isEqualTo(380);
        assertThat(value(body, "edm_sender_service_quota_remaining", "sender_service=\"" + rolledOver + "\""))
                .isEqualTo(300);
        assertThat(value(body, "edm_sender_service_frozen", "sender_service=\"" + service + "\"")).isEqualTo(1);
        assertThat(value(body, "edm_sender_service_frozen", "sender_service=\"" + rolledOver + "\"")).isEqualTo(0);
        assertThat(value(body, "edm_tasks", "status=\"SENDING\"")).isGreaterThanOrEqualTo(1);
        assertThat(value(body, "edm_tasks", "status=\"FAILED\"")).isGreaterThanOrEqualTo(0);
        assertThat(value(body, "edm_deliveries_pending", "application=\"edm-api\"")).isGreaterThanOrEqualTo(3);
        assertThat(value(body, "edm_task_first_send_lag_seconds", "application=\"edm-api\""))
                .isGreaterThanOrEqualTo(600);
        // tags stay bounded: no address or name of a user or contact in any series
        assertThat(body).doesNotContain("@example.com").doesNotContain("metrics.example");

        // a batch claimed but not sent yet leaves the lag running
        jdbc.update("UPDATE deliveries SET status = 'SENDING', claim_token = 'test/lag' WHERE task_id = ?", task);
        jdbc.update("INSERT INTO send_batches (claim_token, task_id, first_id, last_id) "
                + "SELECT 'test/lag', ?, min(id), max(id) FROM deliveries WHERE task_id = ?", task, task);
        gauges.refresh();
        assertThat(value(scrape(), "edm_task_first_send_lag_seconds", "application=\"edm-api\""))
                .isGreaterThanOrEqualTo(600);
        // the first send of the task (in its open send batch, as the send path writes it) ends its lag
        jdbc.update("UPDATE deliveries SET status = 'SENT', sent_at = plan_time FROM tasks "
                + "WHERE tasks.id = deliveries.task_id AND deliveries.task_id = ?", task);
        jdbc.update("UPDATE tasks SET status = 'FINISHED' WHERE status = 'SENDING' AND id <> ?", task);
        gauges.refresh();
        assertThat(value(scrape(), "edm_task_first_send_lag_seconds", "application=\"edm-api\"")).isLessThan(5);

        jdbc.update("UPDATE sender_services SET enabled = false WHERE id IN (?, ?)", service, rolledOver);
        jdbc.update("UPDATE tasks SET status = 'FINISHED' WHERE id = ?", task);
    }

    @Test
    void temporalSdkMetricsAreReportedThroughMicrometer() {
        // the starter reports the SDK's tally scope into the same registry (every second)
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(scrape()).contains("temporal_"));
    }

    @Test
    void webhookAndApiSendMetersAreListedOnceUsed() throws Exception {
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                        .post("/webhooks/engagelab").contentType("application/json").content("[]"))
                .andExpect(status().is4xxClientError());
        // refused calls are counted by Spring's http.server.requests with uri and status
        assertThat(scrape()).containsPattern("http_server_requests_seconds_count\\{[^}]*status=\"40[01]\""
                + "[^}]*uri=\"/webhooks/engagelab\"");
    }

    private String scrape() throws Exception {
        return mvc.perform(get("/actuator/prometheus").with(withoutToken()))
                .andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
    }

    /** The value of the series of {@code name} whose labels contain {@code label}; fails when there is none. */
    private static double value(String body, String name, String label) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$").matcher(body);
        while (m.find()) {
            if (m.group(1).contains(label)) {
                return Double.parseDouble(m.group(2));
            }
        }
        throw new AssertionError("no series " + name + "{.." + label + "..} in:\n" + body.lines()
                .filter(line -> line.startsWith(name)).toList());
    }
}
