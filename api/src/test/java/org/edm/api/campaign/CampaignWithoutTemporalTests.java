package org.edm.api.campaign;

import org.edm.api.DefaultTestUser;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;

import java.io.IOException;
import java.net.ServerSocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * Temporal is down (nothing listens at its address): the api still starts and serves, activation answers 503 and
 * leaves the campaign a DRAFT, reads show no live progress instead of failing.
 */
@SpringBootTest(properties = {
        "spring.temporal.test-server.enabled=false",
        "edm.temporal.rpc-timeout=1s",
        "edm.temporal.query-timeout=1s",
        "edm.credentials-key=" + TestDatabase.TEST_CREDENTIALS_KEY})
@AutoConfigureMockMvc
@Import(DefaultTestUser.class)
class CampaignWithoutTemporalTests {

    private static final TestDatabase.Database DB = TestDatabase.freshDatabase();

    @Autowired
    MockMvc mvc;

    @Autowired
    JdbcTemplate jdbc;

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) throws IOException {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        registry.add("spring.temporal.connection.target", () -> "127.0.0.1:" + closedPort);
    }

    private long campaign() {
        long template = jdbc.queryForObject("insert into templates (owner_id, name, subject, body_html) "
                + "values (1, 't', 's', 'b') returning id", Long.class);
        long set = jdbc.queryForObject("insert into template_sets (owner_id, name) values (1, 's') returning id",
                Long.class);
        jdbc.update("insert into template_set_items (template_set_id, template_id) values (?, ?)", set, template);
        long campaign = jdbc.queryForObject("insert into campaigns (owner_id, name, start_time, interval_days) "
                + "values (1, 'c', now(), 1) returning id", Long.class);
        jdbc.update("insert into tasks (campaign_id, owner_id, seq, name, plan_time, template_set_id, sender_name) "
                + "values (?, 1, 0, 't', now(), ?, 'news')", campaign, set);
        return campaign;
    }

    @Test
    void activationAnswers503AndLeavesTheCampaignADraft() throws Exception {
        long id = campaign();
        mvc.perform(post("/v1/campaigns/" + id + "/activate"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value(containsString("still a DRAFT")));
        assertThat(jdbc.queryForObject("select status from campaigns where id = ?", String.class, id))
                .isEqualTo("DRAFT");
        assertThat(jdbc.queryForObject("select activated_at is null from campaigns where id = ?", Boolean.class, id))
                .isTrue();
        assertThat(jdbc.queryForList("select action from audit_log where entity = 'campaign' and entity_id = ? "
                + "order by id", String.class, String.valueOf(id))).as("a failed call changed nothing: no audit row")
                .isEmpty();
    }

    @Test
    void readsStillWorkWithoutLiveProgress() throws Exception {
        long id = campaign();
        jdbc.update("update campaigns set status = 'ACTIVE' where id = ?", id);
        mvc.perform(get("/v1/campaigns/" + id)).andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.tasks.length()").value(1))
                .andExpect(jsonPath("$.live_progress").doesNotExist())
                .andExpect(jsonPath("$.live_progress_note").value(containsString("Temporal unreachable")));
    }

    @Test
    void cancelAnswers503AndChangesNothing() throws Exception {
        long id = campaign();
        jdbc.update("update campaigns set status = 'ACTIVE' where id = ?", id);
        mvc.perform(post("/v1/campaigns/" + id + "/cancel")).andExpect(status().isServiceUnavailable());
        assertThat(jdbc.queryForObject("select status from campaigns where id = ?", String.class, id))
                .isEqualTo("ACTIVE");
    }

    @Test
    void senderServiceUpdatesAreSavedEvenIfTheWorkflowCannotBeTold() throws Exception {
        String service = """
                {"name": "s", "provider": "SMTP", "domain": "example.com",
                 "smtp": {"host": "smtp.example.com", "port": 25}, "daily_quota": 10}
                """;
        String location = mvc.perform(post("/v1/admin/sender-services").contentType(MediaType.APPLICATION_JSON)
                .content(service)).andExpect(status().isCreated()).andReturn().getResponse().getHeader("Location");
        mvc.perform(put(location).contentType(MediaType.APPLICATION_JSON).content(service.replace("10", "20")))
                .andExpect(status().isOk()).andExpect(jsonPath("$.daily_quota").value(20));
    }
}
