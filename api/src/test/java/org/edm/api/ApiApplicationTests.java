package org.edm.api;

import org.junit.jupiter.api.Test;

import java.util.List;
import org.springframework.http.MediaType;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Boot smoke test: the context starts (Flyway, JPA validation, Temporal client) and serves health and OpenAPI. */
class ApiApplicationTests extends ApiTestSupport {

    @Test
    void startsAndReportsHealthy() throws Exception {
        mvc.perform(get("/actuator/health")).andExpect(status().isOk()).andExpect(jsonPath("$.status").value("UP"));
    }

    @Test
    void servesOpenApiInSnakeCase() throws Exception {
        mvc.perform(get("/v3/api-docs"))
                .andExpect(status().isOk())
                .andExpect(content().string(containsString("/v1/campaigns/{id}/activate")))
                .andExpect(content().string(containsString("/v1/admin/sender-services")))
                .andExpect(content().string(containsString("/v1/contacts/import")))
                .andExpect(content().string(containsString("\"interval_days\"")))
                .andExpect(content().string(containsString("\"has_password\"")));
        mvc.perform(get("/swagger-ui.html")).andExpect(status().is3xxRedirection());
        mvc.perform(get("/swagger-ui/index.html")).andExpect(status().isOk());
    }

    @Test
    void malformedJsonIsA400ProblemEverywhere() throws Exception {
        for (String path : new String[]{"/v1/campaigns", "/v1/templates", "/v1/template-sets",
                "/v1/admin/sender-services", "/v1/contacts/import"}) {
            rememberRowCounts();
            String broken = path.endsWith("import") ? "[{\"email\": \"a@example.com\", " : "{\"name\": \"x\", ";
            mvc.perform(post(path).contentType(MediaType.APPLICATION_JSON).content(broken))
                    .andExpectAll(problem(400, "malformed JSON"));
            assertRowCountsUnchanged();
        }
    }

    @Test
    void missingBodyAndWrongTypesAre400s() throws Exception {
        mvc.perform(post("/v1/templates").contentType(MediaType.APPLICATION_JSON))
                .andExpectAll(problem(400, "body"));
        postJson("/v1/admin/sender-services", """
                {"name": "x", "provider": "SMTP", "domain": "example.com", "daily_quota": "lots"}
                """).andExpectAll(invalidField("daily_quota"));
        postJson("/v1/admin/sender-services", """
                {"name": "x", "provider": "SMTP", "domain": "example.com", "daily_quota": 1.5}
                """).andExpectAll(invalidField("daily_quota"));
        postJson("/v1/admin/sender-services", """
                {"name": "x", "provider": "SMTP", "domain": "example.com", "daily_quota": 99999999999}
                """).andExpect(status().isBadRequest());
    }

    @Test
    void scalarsAreReadAsTheContractTypesWithoutCoercion() throws Exception {
        rememberRowCounts();
        // Jackson would read "10" as 10, 0 as false, "true" as true and 0 as the first enum constant
        postJson("/v1/admin/sender-services", """
                {"name": "x", "provider": "SMTP", "domain": "example.com", "daily_quota": "10"}
                """).andExpectAll(invalidField("daily_quota"));
        for (String notBoolean : List.of("\"true\"", "0", "1.0")) {
            postJson("/v1/admin/sender-services", """
                    {"name": "x", "provider": "SMTP", "domain": "example.com", "daily_quota": 10,
                     "smtp": {"host": "smtp.example.com", "port": 465, "username": "u", "password": "p",
                              "imap": {"host": "imap.example.com", "port": 993, "ssl": %s}}}
                    """.formatted(notBoolean)).andExpectAll(problem(400, "ssl"));
        }
        postJson("/v1/settings/variables", """
                {"variable_key": "coerced", "display_name": "x", "source_type": 0,
                 "source_details": {"attribute": "coerced"}}
                """).andExpectAll(invalidField("source_type"));
        assertRowCountsUnchanged();
    }

    @Test
    void unknownPathsAndBadIdsAreProblems() throws Exception {
        getJson("/v1/nothing-here").andExpect(status().isNotFound())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        getJson("/v1/campaigns/not-a-number").andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON));
        mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/v1/campaigns"))
                .andExpect(status().isMethodNotAllowed());
        mvc.perform(post("/v1/templates").contentType(MediaType.TEXT_PLAIN).content("hi"))
                .andExpect(status().isUnsupportedMediaType());
    }
}
