package org.edm.api.support;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

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
}
