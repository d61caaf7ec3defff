package org.edm.api.sendername;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class SenderNameApiTests extends ApiTestSupport {

    private long create(String name) throws Exception {
        return idOf(postJson("/v1/sender-names", "{\"name\": \"" + name + "\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.name").value(name))
                .andExpect(jsonPath("$.created_at").exists()));
    }

    @Test
    void namesAreUniqueAcrossUsersIgnoringCaseAndListedPerUser() throws Exception {
        String name = "promo" + System.nanoTime();
        long id = create(name);
        getJson("/v1/sender-names").andExpect(status().isOk())
                .andExpect(jsonPath("$[?(@.name == '" + name + "')].id").value(org.hamcrest.Matchers.hasItem((int) id)));

        // another user holds a name: nobody else may create it, whatever the case
        long other = jdbc.queryForObject("insert into users (username, role) values (?, 'OPERATOR') returning id",
                Long.class, "names-" + System.nanoTime());
        jdbc.update("insert into sender_names (user_id, local_part) values (?, ?)", other, "theirs" + other);
        rememberRowCounts();
        postJson("/v1/sender-names", "{\"name\": \"THEIRS" + other + "\"}")
                .andExpectAll(problem(409, "already taken"));
        postJson("/v1/sender-names", "{\"name\": \"" + name.toUpperCase() + "\"}")
                .andExpectAll(problem(409, "already taken"));
        postJson("/v1/sender-names", "{\"name\": \"not valid@x\"}").andExpectAll(invalidField("name"));
        postJson("/v1/sender-names", "{\"name\": \"\"}").andExpectAll(invalidField("name"));
        assertRowCountsUnchanged();
        // and it is not in this user's list
        getJson("/v1/sender-names").andExpect(jsonPath("$[?(@.name == 'theirs" + other + "')]").isEmpty());
    }

    @Test
    void aTaskMayOnlyUseItsOwnersNames() throws Exception {
        long other = jdbc.queryForObject("insert into users (username, role) values (?, 'OPERATOR') returning id",
                Long.class, "names-" + System.nanoTime());
        jdbc.update("insert into sender_names (user_id, local_part) values (?, ?)", other, "foreign" + other);
        long set = createTemplateSet();
        rememberRowCounts();
        postJson("/v1/campaigns", """
                {"name": "x", "start_time": "2026-03-01T09:00:00Z", "interval_days": 1,
                 "tasks": [{"name": "a", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %d,
                            "sender_name": "foreign%d"}]}
                """.formatted(set, other)).andExpectAll(invalidField("tasks[0].sender_name"));
        assertRowCountsUnchanged();
    }

    @Test
    void aNameInUseByAnUnfinishedTaskCannotBeDeleted() throws Exception {
        String name = "launch" + System.nanoTime();
        long id = create(name);
        long campaign = idOf(postJson("/v1/campaigns", """
                {"name": "x", "start_time": "2026-03-01T09:00:00Z", "interval_days": 1,
                 "tasks": [{"name": "a", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %d,
                            "sender_name": "%s"}]}
                """.formatted(createTemplateSet(), name)).andExpect(status().isCreated()));
        long task = jdbc.queryForObject("select id from tasks where campaign_id = ?", Long.class, campaign);

        rememberRowCounts();
        deleteJson("/v1/sender-names/" + id).andExpectAll(problem(409, "unfinished task(s) [" + task + "]"));
        assertRowCountsUnchanged();

        jdbc.update("update tasks set status = 'FINISHED' where id = ?", task);
        deleteJson("/v1/sender-names/" + id).andExpect(status().isNoContent());
        getJson("/v1/sender-names/" + id).andExpectAll(problem(404, "sender name " + id));
        deleteJson("/v1/sender-names/" + id).andExpectAll(problem(404, "sender name " + id));
    }
}
