package org.edm.api.template;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.containsString;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class TemplateApiTests extends ApiTestSupport {

    @Test
    void templateLifecycle() throws Exception {
        String sig = "signature_html_" + System.nanoTime();
        String vip = "vip_" + System.nanoTime();
        String first = "first_name_" + System.nanoTime();
        for (String key : List.of(sig, vip, first)) {
            postJson("/v1/settings/variables", """
                    {"variable_key": "%s", "display_name": "x", "source_type": "CONTACT_FIELD",
                     "source_details": {"attribute": "%s"}}
                    """.formatted(key, key)).andExpect(status().isCreated());
        }
        long id = idOf(postJson("/v1/templates", """
                {"name": "Welcome", "subject": "Hi {{nickname}}",
                 "body_html": "<p>Dear {{ nickname }}, {{{%s}}} {{#%s}}VIP{{/%s}} {{! note }}</p>{{unsubscribe_url}}"}
                """.formatted(sig, vip, vip)).andExpect(status().isCreated())
                .andExpect(jsonPath("$.name").value("Welcome"))
                .andExpect(jsonPath("$.body_html").exists())
                .andExpect(jsonPath("$.variables").value(contains("nickname", sig, "unsubscribe_url", vip))));

        getJson("/v1/templates/" + id).andExpect(status().isOk()).andExpect(jsonPath("$.subject").value("Hi {{nickname}}"));
        assertThat(JsonPath.<List<Integer>>read(body(getJson("/v1/templates")), "$[*].id")).contains((int) id);

        putJson("/v1/templates/" + id, """
                {"name": "Welcome v2", "subject": "Hello {{%s}}", "body_html": "<p>Hi</p><a href='{{unsubscribe_url}}'>x</a>"}
                """.formatted(first)).andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("Welcome v2"))
                .andExpect(jsonPath("$.variables").value(contains(first, "unsubscribe_url")));

        // a variable a template uses cannot be deleted; an unused one can
        long firstId = JsonPath.<List<Integer>>read(body(getJson("/v1/settings/variables")),
                "$[?(@.variable_key == '" + first + "')].id").get(0);
        long vipId = JsonPath.<List<Integer>>read(body(getJson("/v1/settings/variables")),
                "$[?(@.variable_key == '" + vip + "')].id").get(0);
        deleteJson("/v1/settings/variables/" + firstId).andExpectAll(problem(409, "is used by template(s)"));
        deleteJson("/v1/settings/variables/" + vipId).andExpect(status().isNoContent());

        deleteJson("/v1/templates/" + id).andExpect(status().isNoContent());
        getJson("/v1/templates/" + id).andExpectAll(problem(404, "template " + id + " not found"));
    }

    @Test
    void badTemplatesAre400sAndWriteNothing() throws Exception {
        rememberRowCounts();
        postJson("/v1/templates", "{\"name\": \"x\", \"subject\": \"Hi {{nickname\", \"body_html\": \"<p/>\"}")
                .andExpectAll(invalidField("subject"));
        postJson("/v1/templates", "{\"name\": \"x\", \"subject\": \"Hi\", \"body_html\": \"<p>{{ bad name }}</p>\"}")
                .andExpectAll(invalidField("body_html"));
        postJson("/v1/templates", "{\"name\": \"x\", \"body_html\": \"<p/>\"}").andExpectAll(invalidField("subject"));
        postJson("/v1/templates", "{\"name\": \" \", \"subject\": \"s\", \"body_html\": \"<p/>\"}")
                .andExpectAll(invalidField("name"));
        postJson("/v1/templates", "{\"name\": \"x\", \"subject\": \"Hi\", \"body_html\": \"<p>no link</p>\"}")
                .andExpectAll(invalidField("body_html"))
                .andExpect(jsonPath("$.detail").value(containsString("must contain {{unsubscribe_url}}")));
        postJson("/v1/templates", "{\"name\": \"x\", \"subject\": \"Hi {{nick_name}}\", "
                + "\"body_html\": \"<p>{{unsubscribe_url}}</p>\"}")
                .andExpectAll(invalidField("subject"))
                .andExpect(jsonPath("$.detail").value(containsString("unknown variable 'nick_name'")));
        putJson("/v1/templates/987654", "{\"name\": \"x\", \"subject\": \"s\", \"body_html\": \"b\"}")
                .andExpectAll(problem(404, "template 987654 not found"));
        deleteJson("/v1/templates/987654").andExpect(status().isNotFound());
        postJson("/v1/settings/variables", "{\"variable_key\": \"email\", \"display_name\": \"x\", "
                + "\"source_type\": \"SYSTEM\"}").andExpectAll(invalidField("variable_key"));
        postJson("/v1/settings/variables", "{\"variable_key\": \"1x\", \"display_name\": \"x\", "
                + "\"source_type\": \"SYSTEM\"}").andExpectAll(invalidField("variable_key"));
        postJson("/v1/settings/variables", "{\"variable_key\": \"ok\", \"display_name\": \"x\", "
                + "\"source_type\": \"FROM_SPACE\"}").andExpectAll(invalidField("source_type"));
        assertRowCountsUnchanged();
    }

    /**
     * A template the renderer would choke on is refused when saved (edm.templates.max-body-bytes 512 KiB and
     * max-nesting-depth 20 by default): sections nested too deep overflow the renderer's stack, and a huge body is
     * rendered once per recipient.
     */
    @Test
    void tooDeeplyNestedOrTooLargeTemplatesAre400sNamingTheField() throws Exception {
        long id = createTemplate("limits");
        rememberRowCounts();
        String deep = "{{#email}}".repeat(21) + "x" + "{{/email}}".repeat(21);
        postJson("/v1/templates", json(Map.of("name", "deep", "subject", "Hi",
                "body_html", deep + "{{unsubscribe_url}}")))
                .andExpectAll(invalidField("body_html"))
                .andExpect(jsonPath("$.detail").value(containsString("nested deeper than 20")));
        postJson("/v1/templates", json(Map.of("name", "deep", "subject", deep,
                "body_html", "{{unsubscribe_url}}")))
                .andExpectAll(invalidField("subject"));
        putJson("/v1/templates/" + id, json(Map.of("name", "deep", "subject", "Hi",
                "body_html", "{{^email}}".repeat(30_000) + "{{unsubscribe_url}}")))
                .andExpectAll(invalidField("body_html"));
        // 513 KiB of text, within the request's 1,000,000 characters; multi-byte characters count as bytes
        postJson("/v1/templates", json(Map.of("name", "big", "subject", "Hi",
                "body_html", "<p>" + "中".repeat(175_200) + "</p>{{unsubscribe_url}}")))
                .andExpectAll(invalidField("body_html"))
                .andExpect(jsonPath("$.detail").value(containsString("524288 bytes")));
        assertRowCountsUnchanged();
        getJson("/v1/templates/" + id).andExpect(jsonPath("$.name").value("limits"));

        // the limits themselves are allowed: 20 levels, 512 KiB
        String twenty = "{{#email}}".repeat(20) + "x" + "{{/email}}".repeat(20);
        postJson("/v1/templates", json(Map.of("name", "twenty", "subject", "Hi",
                "body_html", twenty + "{{unsubscribe_url}}"))).andExpect(status().isCreated());
        String filler = "x".repeat(512 * 1024 - "{{unsubscribe_url}}".length());
        postJson("/v1/templates", json(Map.of("name", "full", "subject", "Hi",
                "body_html", filler + "{{unsubscribe_url}}"))).andExpect(status().isCreated());
    }

    @Test
    void templateSetLifecycle() throws Exception {
        long a = createTemplate("set-a");
        long b = createTemplate("set-b");
        long c = createTemplate("set-c");
        long set = idOf(postJson("/v1/template-sets", "{\"name\": \"A/B\", \"template_ids\": [%d, %d]}".formatted(a, b))
                .andExpect(status().isCreated())
                .andExpect(jsonPath("$.template_ids").value(contains((int) a, (int) b)))
                .andExpect(jsonPath("$.templates[0].name").value("set-a")));

        // reorder, keep b, drop a, add c: no unique-key trouble, order as given
        putJson("/v1/template-sets/" + set, "{\"name\": \"B/C\", \"template_ids\": [%d, %d]}".formatted(c, b))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.name").value("B/C"))
                .andExpect(jsonPath("$.template_ids").value(contains((int) c, (int) b)));
        getJson("/v1/template-sets/" + set).andExpect(jsonPath("$.template_ids").value(contains((int) c, (int) b)));
        assertThat(JsonPath.<List<Integer>>read(body(getJson("/v1/template-sets")), "$[*].id")).contains((int) set);

        // a template in a set cannot be deleted
        deleteJson("/v1/templates/" + b).andExpectAll(problem(409, "used by template set"));

        deleteJson("/v1/template-sets/" + set).andExpect(status().isNoContent());
        getJson("/v1/template-sets/" + set).andExpect(status().isNotFound());
        deleteJson("/v1/templates/" + b).andExpect(status().isNoContent());
    }

    @Test
    void badTemplateSetsAreRejectedAndWriteNothing() throws Exception {
        long a = createTemplate("bad-set-a");
        // a template of another user is as unknown as one that does not exist (INV-5)
        jdbc.update("insert into users (username) values ('someone-else') on conflict do nothing");
        long foreign = jdbc.queryForObject("""
                insert into templates (owner_id, name, subject, body_html)
                values ((select id from users where username = 'someone-else'), 'theirs', 's', 'b') returning id
                """, Long.class);

        rememberRowCounts();
        postJson("/v1/template-sets", "{\"name\": \"x\", \"template_ids\": []}").andExpectAll(invalidField("template_ids"));
        postJson("/v1/template-sets", "{\"name\": \"x\"}").andExpectAll(invalidField("template_ids"));
        postJson("/v1/template-sets", "{\"name\": \"x\", \"template_ids\": [%d, 987654]}".formatted(a))
                .andExpectAll(problem(404, "987654"))
                .andExpect(jsonPath("$.errors[0].field").value("template_ids"));
        postJson("/v1/template-sets", "{\"name\": \"x\", \"template_ids\": [%d]}".formatted(foreign))
                .andExpectAll(problem(404, String.valueOf(foreign)));
        postJson("/v1/template-sets", "{\"name\": \"x\", \"template_ids\": [%d, %d]}".formatted(a, a))
                .andExpectAll(invalidField("template_ids"));
        getJson("/v1/templates/" + foreign).andExpect(status().isNotFound());
        assertRowCountsUnchanged();
    }

    @Test
    void aTemplateSetUsedByATaskCannotBeDeleted() throws Exception {
        long set = createTemplateSet();
        createCampaign(set);
        deleteJson("/v1/template-sets/" + set).andExpectAll(problem(409, "used by task"));
    }
}
