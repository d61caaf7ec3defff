package org.edm.api.support;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Public endpoints answer an oversized body with 413 before reading it or checking anything else. */
class RequestSizeLimitTests extends ApiTestSupport {

    @Test
    void oversizedWebhookBodiesAre413AndRecordNothing() throws Exception {
        long before = jdbc.queryForObject("SELECT count(*) FROM event_log", Long.class);
        String big = "[" + "{\"event\": \"open\", \"email_id\": \"x\"},".repeat(10_000) + "{}]";
        assertThat(big.length()).isGreaterThan(256 * 1024);

        for (String path : new String[]{"/webhooks/engagelab", "/webhooks/aliyun-dm", "/webhooks/aliyun-dm/open"}) {
            mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(big))
                    .andExpectAll(problem(413, "larger than"));
        }
        assertThat(jdbc.queryForObject("SELECT count(*) FROM event_log", Long.class)).isEqualTo(before);
    }

    @Test
    void theOpenApiDocumentsThe413OfEveryBody() throws Exception {
        mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                .andExpect(jsonPath("$.paths['/webhooks/engagelab'].post.responses['413']").exists())
                .andExpect(jsonPath("$.paths['/v1/contacts/import'].post.responses['413'].description")
                        .value(org.hamcrest.Matchers.containsString("import-body")))
                .andExpect(jsonPath("$.paths['/v1/campaigns'].post.responses['413']").exists())
                .andExpect(jsonPath("$.paths['/unsubscribe/{token}'].post.responses['429']").exists());
    }
}
