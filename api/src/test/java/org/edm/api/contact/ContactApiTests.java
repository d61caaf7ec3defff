package org.edm.api.contact;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

class ContactApiTests extends ApiTestSupport {

    @Test
    void importCreatesThenUpsertsIgnoringCase() throws Exception {
        postJson("/v1/contacts/import", """
                [{"email": "Li.Lei@Example.com", "nickname": "Li Lei", "tags": ["imp-vip"]},
                 {"email": "han.meimei@example.com", "tags": ["imp-news", " imp-vip "]},
                 {"email": "han.meimei@EXAMPLE.com", "nickname": "Meimei"}]
                """).andExpect(status().isOk())
                .andExpect(jsonPath("$.received").value(3))
                .andExpect(jsonPath("$.distinct_addresses").value(2))
                .andExpect(jsonPath("$.created").value(2))
                .andExpect(jsonPath("$.updated").value(0));

        postJson("/v1/contacts/import", """
                [{"email": "li.lei@example.COM", "tags": ["imp-webinar"]}]
                """).andExpect(status().isOk())
                .andExpect(jsonPath("$.created").value(0))
                .andExpect(jsonPath("$.updated").value(1));

        String vip = body(getJson("/v1/contacts?tag=imp-vip&size=10").andExpect(status().isOk()));
        assertThat(JsonPath.<List<String>>read(vip, "$.items[*].email"))
                .containsExactly("Li.Lei@Example.com", "han.meimei@example.com");
        assertThat(JsonPath.<List<String>>read(vip, "$.items[0].tags")).containsExactly("imp-vip", "imp-webinar");
        assertThat(JsonPath.<String>read(vip, "$.items[0].nickname")).isEqualTo("Li Lei");
        assertThat(JsonPath.<String>read(vip, "$.items[1].nickname")).isEqualTo("Meimei");
        assertThat(JsonPath.<Integer>read(vip, "$.total_items")).isEqualTo(2);

        getJson("/v1/contacts?tag=imp-webinar").andExpect(jsonPath("$.total_items").value(1));
        getJson("/v1/contacts?tag=imp-vip&page=1&size=1").andExpect(status().isOk())
                .andExpect(jsonPath("$.items[0].email").value("han.meimei@example.com"))
                .andExpect(jsonPath("$.page").value(1))
                .andExpect(jsonPath("$.size").value(1))
                .andExpect(jsonPath("$.total_pages").value(2));
        assertThat(jdbc.queryForObject("select count(*) from contacts where lower(email) = 'li.lei@example.com'",
                Long.class)).isEqualTo(1);
    }

    @Test
    void tagsAndNicknamesKeepEveryCharacter() throws Exception {
        postJson("/v1/contacts/import", """
                [{"email": "chars@example.com", "nickname": "王 \\"小明\\"", "tags": ["重要客户", "say \\"hi\\"", "back\\\\slash"]}]
                """).andExpect(status().isOk()).andExpect(jsonPath("$.created").value(1));
        String page = body(getJson("/v1/contacts?tag=重要客户").andExpect(status().isOk()));
        assertThat(JsonPath.<List<String>>read(page, "$.items[0].tags"))
                .containsExactlyInAnyOrder("重要客户", "say \"hi\"", "back\\slash");
        assertThat(JsonPath.<String>read(page, "$.items[0].nickname")).isEqualTo("王 \"小明\"");
    }

    @Test
    void aBadAddressAnywhereRejectsTheWholeImport() throws Exception {
        rememberRowCounts();
        postJson("/v1/contacts/import", """
                [{"email": "first.good@example.com"},
                 {"email": "second.good@example.com"},
                 {"email": "broken@"},
                 {"email": "also good@example.com"},
                 {"nickname": "no address"}]
                """).andExpectAll(invalidField("[2].email"))
                .andExpect(jsonPath("$.detail").value(containsString("contact #2: 'broken@' is not a valid e-mail address")))
                .andExpect(jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.hasItems("[3].email", "[4].email")))
                .andExpect(jsonPath("$.errors[*].message").value(org.hamcrest.Matchers.hasItem(
                        containsString("'also good@example.com'"))));
        assertRowCountsUnchanged();
        assertThat(jdbc.queryForObject("select count(*) from contacts where email like '%.good@example.com'",
                Long.class)).isZero();
    }

    @Test
    void otherBadImportsAre400sAndWriteNothing() throws Exception {
        rememberRowCounts();
        postJson("/v1/contacts/import", "[]").andExpectAll(problem(400, "empty"));
        postJson("/v1/contacts/import", "{\"email\": \"a@example.com\"}").andExpectAll(problem(400, "JSON array"));
        postJson("/v1/contacts/import", "[{\"email\": \"a@example.com\", \"age\": 3}]")
                .andExpectAll(invalidField("[0].age"));
        postJson("/v1/contacts/import", "[{\"email\": \"a@example.com\", \"tags\": [\"\"]}]")
                .andExpectAll(invalidField("[0].tags[0]"));
        postJson("/v1/contacts/import", "[{\"email\": \"a@example.com\", \"tags\": \"vip\"}]")
                .andExpectAll(invalidField("[0].tags"));
        postJson("/v1/contacts/import", "[{\"email\": \"a@example\"}]").andExpectAll(invalidField("[0].email"));
        assertRowCountsUnchanged();
    }

    @Test
    void importsUpToTenThousandRowsAtOnce() throws Exception {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i < ContactImporter.MAX_ROWS; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"email\": \"bulk").append(i)
                    .append("@example.com\", \"tags\": [\"bulk\"]}");
        }
        String full = rows.append("]").toString();
        postJson("/v1/contacts/import", full).andExpect(status().isOk())
                .andExpect(jsonPath("$.created").value(ContactImporter.MAX_ROWS));
        postJson("/v1/contacts/import", full).andExpect(status().isOk())
                .andExpect(jsonPath("$.created").value(0))
                .andExpect(jsonPath("$.updated").value(ContactImporter.MAX_ROWS));
        getJson("/v1/contacts?tag=bulk&size=1").andExpect(jsonPath("$.total_items").value(ContactImporter.MAX_ROWS));

        rememberRowCounts();
        postJson("/v1/contacts/import",
                full.substring(0, full.length() - 1) + ",{\"email\": \"one-too-many@example.com\"}]")
                .andExpectAll(problem(400, "at most 10000"));
        assertRowCountsUnchanged();
    }

    @Test
    void anImportIsReadAsAStreamAndStopsAtTheRowLimit() throws Exception {
        StringBuilder rows = new StringBuilder("[");
        for (int i = 0; i <= ContactImporter.MAX_ROWS; i++) {
            rows.append(i == 0 ? "" : ",").append("{\"email\": \"stream").append(i).append("@example.com\"}");
        }
        rememberRowCounts();
        // the rest is never read: the answer is about the row limit, not about what follows it
        postJson("/v1/contacts/import", rows.append(", this is never parsed").toString())
                .andExpectAll(problem(400, "at most 10000"));
        assertRowCountsUnchanged();
    }

    @Test
    void anImportLargerThanTheBodyLimitIs413() throws Exception {
        rememberRowCounts();
        String huge = "[{\"email\": \"big@example.com\", \"nickname\": \"" + "x".repeat(11 * 1024 * 1024) + "\"}]";
        postJson("/v1/contacts/import", huge).andExpectAll(problem(413, "larger than"));
        assertRowCountsUnchanged();
    }

    @Test
    void pagingParametersAreChecked() throws Exception {
        getJson("/v1/contacts?size=0").andExpectAll(invalidField("size"));
        getJson("/v1/contacts?size=501").andExpectAll(invalidField("size"));
        getJson("/v1/contacts?page=-1").andExpectAll(invalidField("page"));
        getJson("/v1/contacts?page=abc").andExpect(status().isBadRequest());
    }
}
