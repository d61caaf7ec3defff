package org.edm.api.contact;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** What the web console's contact pages and rule builder use: search, edit tags, tags in use, audience count. */
class ContactBookApiTests extends ApiTestSupport {

    private RequestPostProcessor importFor(long operator) throws Exception {
        RequestPostProcessor as = asUser(operator);
        postJson("/v1/contacts/import", """
                [{"email": "wang.fang@book.example", "nickname": "Wang Fang", "tags": ["vip", "webinar"]},
                 {"email": "li.lei@book.example", "nickname": "Li Lei", "tags": ["webinar"]},
                 {"email": "zhao_100%@book.example", "nickname": "Zhao", "tags": ["vip"]}]
                """, as).andExpect(status().isOk());
        return as;
    }

    @Test
    void searchesByAddressOrNicknameWithinATag() throws Exception {
        RequestPostProcessor as = importFor(createOperator("book-search"));
        String page = body(getJson("/v1/contacts?q=WANG", as).andExpect(status().isOk()));
        assertThat(JsonPath.<List<String>>read(page, "$.items[*].email")).containsExactly("wang.fang@book.example");
        getJson("/v1/contacts?q=lei&tag=vip", as).andExpect(jsonPath("$.total_items").value(0));
        getJson("/v1/contacts?q=lei&tag=webinar", as).andExpect(jsonPath("$.total_items").value(1));
        // % and _ are searched for literally, not as LIKE wildcards
        String literal = body(mvc.perform(get("/v1/contacts").param("q", "_100%").with(as))
                .andExpect(status().isOk()));
        assertThat(JsonPath.<List<String>>read(literal, "$.items[*].email")).containsExactly("zhao_100%@book.example");
        mvc.perform(get("/v1/contacts").param("q", "%").with(as)).andExpect(jsonPath("$.total_items").value(1));
        mvc.perform(get("/v1/contacts").param("q", "_").with(as)).andExpect(jsonPath("$.total_items").value(1));
    }

    @Test
    void editingTagsReplacesTheListAndBadTagsChangeNothing() throws Exception {
        long operator = createOperator("book-edit");
        RequestPostProcessor as = importFor(operator);
        long id = jdbc.queryForObject("select id from contacts where owner_id = ? and email = 'wang.fang@book.example'",
                Long.class, operator);

        putJson("/v1/contacts/" + id, """
                {"nickname": "Fang", "tags": ["webinar", " new ", "new"]}""", as)
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.nickname").value("Fang"))
                .andExpect(jsonPath("$.tags[0]").value("new"))
                .andExpect(jsonPath("$.tags[1]").value("webinar"))
                .andExpect(jsonPath("$.tags.length()").value(2));
        getJson("/v1/contacts?tag=vip", as).andExpect(jsonPath("$.total_items").value(1));

        rememberRowCounts();
        putJson("/v1/contacts/" + id, """
                {"nickname": "X", "tags": ["ok", "  "]}""", as).andExpectAll(invalidField("tags[1]"));
        assertRowCountsUnchanged();
        getJson("/v1/contacts/" + id, as).andExpect(jsonPath("$.nickname").value("Fang"));
        // another user's contact does not exist for them
        getJson("/v1/contacts/" + id, asUser(createOperator("book-other"))).andExpect(status().isNotFound());
        putJson("/v1/contacts/" + id, """
                {"tags": []}""", asUser(createOperator("book-other2"))).andExpect(status().isNotFound());
        getJson("/v1/contacts/" + id, as).andExpect(jsonPath("$.tags.length()").value(2));
    }

    @Test
    void listsTheTagsInUseWithTheirCounts() throws Exception {
        RequestPostProcessor as = importFor(createOperator("book-tags"));
        getJson("/v1/contacts/tags", as).andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(2))
                .andExpect(jsonPath("$[0].tag").value("vip"))
                .andExpect(jsonPath("$[0].contacts").value(2))
                .andExpect(jsonPath("$[1].tag").value("webinar"))
                .andExpect(jsonPath("$[1].contacts").value(2));
    }

    @Test
    void countsTheAudienceOfARuleAsTheQuotaCheckDoes() throws Exception {
        RequestPostProcessor as = importFor(createOperator("book-count"));
        String base = "/v1/contacts/audience-count?include_tags=vip&include_tags=webinar";
        getJson(base, as).andExpect(status().isOk())
                .andExpect(jsonPath("$.planned_audience").value(3))
                .andExpect(jsonPath("$.labels_ignored").value(false));
        getJson(base + "&match=ALL", as).andExpect(jsonPath("$.planned_audience").value(1));
        getJson(base + "&exclude_tags=vip", as).andExpect(jsonPath("$.planned_audience").value(1));
        // labels exist only once the campaign has sent: left out, and said so
        getJson(base + "&include_labels=unopened_in_campaign", as)
                .andExpect(jsonPath("$.planned_audience").value(3))
                .andExpect(jsonPath("$.labels_ignored").value(true));

        getJson("/v1/contacts/audience-count", as).andExpectAll(invalidField("include_tags"));
        getJson(base + "&include_labels=opened_somewhere", as).andExpectAll(invalidField("include_labels[0]"));
        getJson(base + "&match=SOME", as).andExpectAll(invalidField("match"));
    }
}
