package org.edm.api.support;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** An optional JSON body may be left out; a literal {@code null} body is no object and is refused (schemathesis). */
class NullJsonBodiesTests extends ApiTestSupport {

    @Test
    void aNullBodyIsA400WhileNoBodyReachesTheOperation() throws Exception {
        for (String path : new String[]{"/v1/tasks/999999999/pause", "/v1/tasks/999999999/cancel",
                "/v1/campaigns/999999999/pause", "/v1/campaigns/999999999/cancel"}) {
            postJson(path, "null").andExpectAll(problem(400, "request body must be a JSON object"));
            // without a body the request is read and the operation answers for the (unknown) id
            mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON)).andExpect(status().isNotFound());
            postJson(path, "{\"reason\": null}").andExpect(status().isNotFound());
        }
    }
}
