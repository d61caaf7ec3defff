package org.edm.api.campaign;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.matchesPattern;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Campaign public ids (seed 004 flow 3): operators make campaigns for API sends and hand their ids to developers. */
class CampaignPublicIdApiTests extends ApiTestSupport {

    private String publicIdOf(long campaignId) throws Exception {
        return JsonPath.read(body(getJson("/v1/campaigns/" + campaignId).andExpect(status().isOk())), "$.public_id");
    }

    private org.springframework.test.web.servlet.ResultActions rename(long id, String json,
            org.springframework.test.web.servlet.request.RequestPostProcessor... actingAs) throws Exception {
        var request = patch("/v1/campaigns/" + id).contentType(MediaType.APPLICATION_JSON).content(json);
        for (var p : actingAs) {
            request.with(p);
        }
        return mvc.perform(request);
    }

    /** A campaign discovered from an API send, as the send path records it: public id and name are the sent id. */
    private long apiDiscovered(long ownerId, String publicId) {
        return jdbc.queryForObject("insert into campaigns (owner_id, name, public_id, origin, interval_days) "
                + "values (?, ?, ?, 'API', 0) returning id", Long.class, ownerId, publicId, publicId);
    }

    @Test
    void aNameAloneMakesADraftForApiSendsWithAReadableImmutablePublicId() throws Exception {
        String created = body(postJson("/v1/campaigns", "{\"name\": \"Black Friday 2025!\"}")
                .andExpect(status().isCreated())
                .andExpect(header().string("Location", matchesPattern(".*/v1/campaigns/\\d+")))
                .andExpect(jsonPath("$.public_id").value(matchesPattern("camp_blackfriday2_[0-9a-z]{6}")))
                .andExpect(jsonPath("$.origin").value("OPERATOR"))
                .andExpect(jsonPath("$.status").value("DRAFT"))
                .andExpect(jsonPath("$.start_time").doesNotExist())
                .andExpect(jsonPath("$.tasks.length()").value(0)));
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        String publicId = JsonPath.read(created, "$.public_id");

        // accents dropped, only ASCII letters and digits; a name without any still gets an id
        postJson("/v1/campaigns", "{\"name\": \"Été Spécial\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.public_id").value(matchesPattern("camp_etespecial_[0-9a-z]{6}")));
        postJson("/v1/campaigns", "{\"name\": \"2025年黑色星期五大促\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.public_id").value(matchesPattern("camp_2025_[0-9a-z]{6}")));
        postJson("/v1/campaigns", "{\"name\": \"黑色星期五\"}").andExpect(status().isCreated())
                .andExpect(jsonPath("$.public_id").value(matchesPattern("camp_[0-9a-z]{8}")));

        // the list shows it with its public id, so the operator can copy it
        String list = body(getJson("/v1/campaigns").andExpect(status().isOk()));
        List<String> ids = JsonPath.read(list, "$[?(@.id == " + id + ")].public_id");
        assertThat(ids).containsExactly(publicId);
        List<String> origins = JsonPath.read(list, "$[?(@.id == " + id + ")].origin");
        assertThat(origins).containsExactly("OPERATOR");

        // it has no schedule: activating it is a conflict, and it stays a draft
        postJson("/v1/campaigns/" + id + "/activate", "").andExpectAll(problem(409, "has no start time"));
        assertThat(jdbc.queryForObject("select status from campaigns where id = ?", String.class, id))
                .isEqualTo("DRAFT");
        // the public id cannot be set or changed through any body
        rememberRowCounts();
        postJson("/v1/campaigns", "{\"name\": \"mine\", \"public_id\": \"camp_chosen\"}")
                .andExpectAll(invalidField("public_id"));
        rename(id, "{\"name\": \"other\", \"public_id\": \"camp_other\"}").andExpectAll(invalidField("public_id"));
        assertRowCountsUnchanged();
        assertThat(publicIdOf(id)).isEqualTo(publicId);
    }

    @Test
    void plannedCampaignsGetAPublicIdTooAndPlanningIsUnchanged() throws Exception {
        long templateSet = createTemplateSet();
        long id = createCampaign(templateSet);
        getJson("/v1/campaigns/" + id).andExpect(status().isOk())
                .andExpect(jsonPath("$.public_id").value(matchesPattern("camp_springlaunch_[0-9a-z]{6}")))
                .andExpect(jsonPath("$.origin").value("OPERATOR"))
                .andExpect(jsonPath("$.start_time").value("2026-03-01T01:00:00Z"))
                .andExpect(jsonPath("$.tasks.length()").value(2));
        assertThat(publicIdOf(createCampaign(templateSet))).as("unique").isNotEqualTo(publicIdOf(id));

        // a plan is all of start_time, interval_days and tasks, or none of them
        rememberRowCounts();
        postJson("/v1/campaigns", "{\"name\": \"half\", \"start_time\": \"2026-03-01T09:00:00+08:00\"}")
                .andExpectAll(invalidField("tasks"))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.hasItem("interval_days")));
        postJson("/v1/campaigns", "{\"name\": \"half\", \"tasks\": []}").andExpectAll(invalidField("start_time"));
        postJson("/v1/campaigns", "{\"name\": \"half\", \"start_time\": \"2026-03-01T09:00:00+08:00\", "
                + "\"interval_days\": 1, \"tasks\": []}").andExpectAll(invalidField("tasks"));
        // a PUT still replaces the whole plan
        putJson("/v1/campaigns/" + id, "{\"name\": \"renamed by put\"}").andExpectAll(invalidField("start_time"));
        assertRowCountsUnchanged();
    }

    @Test
    void anApiCampaignGetsAPlanWithPutAndCanThenBeActivated() throws Exception {
        long templateSet = createTemplateSet();
        String created = body(postJson("/v1/campaigns", "{\"name\": \"later planned\"}")
                .andExpect(status().isCreated()));
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        putJson("/v1/campaigns/" + id, """
                {"name": "later planned", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 1,
                 "tasks": [{"name": "t", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %d,
                            "sender_name": "news"}]}
                """.formatted(templateSet)).andExpect(status().isOk())
                .andExpect(jsonPath("$.public_id").value(JsonPath.<String>read(created, "$.public_id")));
        postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.status").value("ACTIVE"));
    }

    @Test
    void anyCampaignCanBeRenamedAndKeepsItsPublicId() throws Exception {
        // an API-discovered one: its name is its public id until an operator gives it a readable one
        long discovered = apiDiscovered(1, "password-reset-v2-" + System.nanoTime());
        String publicId = publicIdOf(discovered);
        long auditRows = jdbc.queryForObject("select count(*) from audit_log", Long.class);
        rename(discovered, "{\"name\": \"V2版密码重置邮件\"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("V2版密码重置邮件"))
                .andExpect(jsonPath("$.public_id").value(publicId))
                .andExpect(jsonPath("$.origin").value("API"));
        assertThat(jdbc.queryForObject("select count(*) from audit_log where action = 'UPDATE' "
                + "and entity = 'campaign' and entity_id = ? and before->>'name' = ? and after->>'name' = ?",
                Long.class, String.valueOf(discovered), publicId, "V2版密码重置邮件")).isEqualTo(1);
        assertThat(jdbc.queryForObject("select count(*) from audit_log", Long.class)).isEqualTo(auditRows + 1);

        // an active one too (only its plan is frozen, not its name)
        long active = createCampaign(createTemplateSet());
        postJson("/v1/campaigns/" + active + "/activate", "").andExpect(status().isOk());
        String activeId = publicIdOf(active);
        rename(active, "{\"name\": \"  Spring launch (EU)  \"}").andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("Spring launch (EU)"))
                .andExpect(jsonPath("$.status").value("ACTIVE"))
                .andExpect(jsonPath("$.public_id").value(activeId));

        rename(active, "{\"name\": \"\"}").andExpectAll(invalidField("name"));
        rename(active, "{}").andExpectAll(invalidField("name"));
        rename(987654321, "{\"name\": \"x\"}").andExpectAll(problem(404, "campaign 987654321 not found"));
    }

    @Test
    void aCampaignIsFoundByItsPublicIdOnlyByItsOwner() throws Exception {
        long owner = createOperator("pub-owner-" + System.nanoTime());
        long other = createOperator("pub-other-" + System.nanoTime());
        String created = body(postJson("/v1/campaigns", "{\"name\": \"bf2025\"}", asUser(owner))
                .andExpect(status().isCreated()));
        long id = ((Number) JsonPath.read(created, "$.id")).longValue();
        String publicId = JsonPath.read(created, "$.public_id");
        long discovered = apiDiscovered(owner, "password-reset-v2");

        getJson("/v1/campaigns/by-public-id/" + publicId, asUser(owner)).andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(id)).andExpect(jsonPath("$.name").value("bf2025"));
        getJson("/v1/campaigns/by-public-id/password-reset-v2", asUser(owner)).andExpect(status().isOk())
                .andExpect(jsonPath("$.id").value(discovered)).andExpect(jsonPath("$.origin").value("API"));
        getJson("/v1/campaigns?public_id=" + publicId, asUser(owner)).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(1)).andExpect(jsonPath("$[0].id").value(id));

        // another operator: as unknown as an id that does not exist
        getJson("/v1/campaigns/by-public-id/" + publicId, asUser(other))
                .andExpectAll(problem(404, "campaign with public id " + publicId + " not found"));
        getJson("/v1/campaigns/by-public-id/password-reset-v2", asUser(other)).andExpect(status().isNotFound());
        getJson("/v1/campaigns?public_id=" + publicId, asUser(other)).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(0));
        rename(id, "{\"name\": \"hijacked\"}", asUser(other)).andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("select name from campaigns where id = ?", String.class, id))
                .isEqualTo("bf2025");
        // another owner may use the same public id for their own campaign (unique per owner)
        apiDiscovered(other, "password-reset-v2");
    }
}
