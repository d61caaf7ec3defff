package org.edm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.options;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The OpenAPI contract at /v3/api-docs says what the api really answers (issue 15), so that clients generated from
 * it work: error answers, auth, required and nullable properties, paging bounds. The schemathesis system test
 * checks the same against a running api; these checks fail fast on the document itself.
 */
class ApiContractTests extends ApiTestSupport {

    private static final Set<String> METHODS = Set.of("get", "post", "put", "patch", "delete");
    /** The document does not change while the context lives: read it once (building it takes a while). */
    private static JsonNode spec;

    @BeforeEach
    void readSpec() throws Exception {
        if (spec == null) {
            String json = mvc.perform(get("/v3/api-docs")).andExpect(status().isOk())
                    .andReturn().getResponse().getContentAsString();
            spec = new ObjectMapper().readTree(json);
        }
    }

    @Test
    void everyOperationDocumentsHowItSucceeds() {
        List<String> without = new ArrayList<>();
        operations((name, op) -> {
            boolean success = StreamSupport.stream(((Iterable<String>) () -> op.path("responses").fieldNames())
                    .spliterator(), false).anyMatch(s -> s.startsWith("2") || s.startsWith("3"));
            if (!success) {
                without.add(name);
            }
        });
        assertThat(without).isEmpty();
    }

    @Test
    void everyErrorAnswerIsAProblemDocumentOrTheOperationsOwnPage() {
        List<String> wrong = new ArrayList<>();
        operations((name, op) -> op.path("responses").fields().forEachRemaining(r -> {
            if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                JsonNode content = r.getValue().path("content");
                boolean problem = content.path("application/problem+json").path("schema").path("$ref").asText()
                        .equals("#/components/schemas/ProblemDetail");
                if (!problem && !content.has("text/html")) {
                    wrong.add(name + " " + r.getKey() + " " + content);
                }
            }
        }));
        assertThat(wrong).isEmpty();
        assertThat(spec.at("/components/schemas/ProblemDetail/required").toString())
                .contains("type", "title", "status");
    }

    @Test
    void bodiesAnswer400And413AndSignedInOperationsAnswer401() {
        List<String> missing = new ArrayList<>();
        operations((name, op) -> {
            JsonNode responses = op.path("responses");
            if (op.has("requestBody") && !(responses.has("400") && responses.has("413"))) {
                missing.add(name + " 400/413");
            }
            boolean isPublic = op.has("security") && op.path("security").isEmpty();
            if (!isPublic && !responses.has("401")) {
                missing.add(name + " 401");
            }
            if (name.contains("{") && !isPublic && !responses.has("404")) {
                missing.add(name + " 404");
            }
        });
        assertThat(missing).isEmpty();
        // public ones say so (no token needed); the admin paths answer operators 403
        assertThat(spec.at("/paths/~1v1~1auth~1sign-in/post/security").isEmpty()).isTrue();
        assertThat(spec.at("/paths/~1track~1open~1{file}/get/security").isEmpty()).isTrue();
        assertThat(spec.at("/paths/~1v1~1users/get/responses").has("403")).isTrue();
        assertThat(spec.at("/paths/~1v1~1templates/get/responses").has("403")).isFalse();
        assertThat(spec.at("/paths/~1v1~1templates/get/responses").has("404")).isFalse();
    }

    @Test
    void responseRecordsPromiseEveryPropertyAndMarkWhatMayBeNull() {
        JsonNode user = spec.at("/components/schemas/UserView");
        assertThat(user.path("required").toString()).contains("\"id\"", "\"username\"", "\"last_login_at\"");
        assertThat(user.at("/properties/username/type").toString()).isEqualTo("\"string\"");
        assertThat(user.at("/properties/last_login_at/type").toString()).contains("null");
        // the fields the first schemathesis run found null though documented otherwise
        assertThat(spec.at("/components/schemas/SenderServiceView/properties/failure_window_minutes/type")
                .toString()).contains("null");
        assertThat(spec.at("/components/schemas/AuditEntry/properties/entity_id/type").toString()).contains("null");
        // a property written only when set is not promised
        assertThat(spec.at("/components/schemas/WebhookEndpoint/required").toString()).doesNotContain("secret");
        // request records keep their own rules (an optional field may be left out or null) and state the Bean
        // Validation ones: @NotBlank is at least one character above U+0020, @Pattern matches the whole value
        assertThat(spec.at("/components/schemas/SignInRequest/required").toString())
                .contains("username", "password");
        assertThat(spec.at("/components/schemas/SignInRequest/type").asText()).isEqualTo("object");
        assertThat(spec.at("/components/schemas/TemplateRequest/properties/name/minLength").asInt()).isEqualTo(1);
        assertThat(spec.at("/components/schemas/VariableRequest/properties/variable_key/pattern").asText())
                .startsWith("^(?:").endsWith(")$");
        assertThat(spec.at("/components/schemas/VariableRequest/properties/description/type").toString())
                .contains("null");
    }

    @Test
    void aNamedSubResourceIsNotMistakenForAnId() throws Exception {
        // /v1/contacts/{id} takes digits only, so "import" and "tags" do not borrow its GET, PUT and DELETE
        String allow = mvc.perform(options("/v1/contacts/import")).andReturn().getResponse().getHeader("Allow");
        assertThat(allow).contains("POST").doesNotContain("DELETE").doesNotContain("PUT");
        allow = mvc.perform(options("/v1/contacts/tags")).andReturn().getResponse().getHeader("Allow");
        assertThat(allow).contains("GET").doesNotContain("DELETE").doesNotContain("PUT");
        assertThat(spec.at("/paths/~1v1~1contacts~1{id}/get/responses/200").isMissingNode()).isFalse();
    }

    @Test
    void pagedListsStateTheirBoundsAndAnswerAHugePageWith400() throws Exception {
        for (String path : List.of("/v1/users", "/v1/contacts", "/v1/admin/audit-log", "/v1/me/quota/ledger",
                "/v1/users/{id}/quota/ledger")) {
            Map<String, JsonNode> params = new java.util.HashMap<>();
            spec.at("/paths/" + path.replace("/", "~1") + "/get/parameters")
                    .forEach(p -> params.put(p.path("name").asText(), p.path("schema")));
            assertThat(params.get("page").path("minimum").asInt()).as(path).isZero();
            assertThat(params.get("page").path("maximum").asInt()).as(path).isEqualTo(1_000_000);
            assertThat(params.get("size").path("minimum").asInt()).as(path).isEqualTo(1);
            assertThat(params.get("size").path("maximum").asInt()).as(path).isBetween(1, 500);
        }
        // this page number overflowed the row offset into a 500
        getJson("/v1/users?page=956263328").andExpectAll(invalidField("page"));
        getJson("/v1/contacts?page=1000001").andExpectAll(invalidField("page"));
        getJson("/v1/me/quota/ledger?size=100000").andExpectAll(invalidField("size"));
        getJson("/v1/users?page=1000000").andExpect(status().isOk());
    }

    @Test
    void dateTimeParametersStateWhatJavaTimeReads() throws Exception {
        String from = "/paths/~1v1~1admin~1audit-log/get/parameters";
        List<String> patterns = new ArrayList<>();
        spec.at(from).forEach(p -> {
            if (p.path("schema").path("format").asText().equals("date-time")) {
                patterns.add(p.path("schema").path("pattern").asText());
            }
        });
        assertThat(patterns).containsExactly(ApiContract.JAVA_DATE_TIME, ApiContract.JAVA_DATE_TIME);
        java.util.regex.Pattern pattern = java.util.regex.Pattern.compile(ApiContract.JAVA_DATE_TIME);
        // what the pattern lets through, the api reads; what RFC 3339 allows beyond it, the api refuses
        for (String valid : List.of("2026-01-01T00:00:00Z", "0001-12-31T23:59:59.123456789-18:00",
                "2026-06-30t12:00:00z", "2026-06-30T12:00:00+17:59")) {
            assertThat(pattern.matcher(valid).find()).as(valid).isTrue();
            mvc.perform(get("/v1/admin/audit-log").param("from", valid).param("size", "1"))
                    .andExpect(status().isOk());
        }
        for (String beyond : List.of("5281-04-08T20:23:50+19:13",
                "2026-01-01T00:00:00.1234567891Z", "2026-12-31T23:59:60Z")) {
            assertThat(pattern.matcher(beyond).find()).as(beyond).isFalse();
            mvc.perform(get("/v1/admin/audit-log").param("from", beyond)).andExpect(status().isBadRequest());
        }
    }

    @Test
    void addressPatternsAcceptWhatTheApiAccepts() {
        java.util.regex.Pattern domain = java.util.regex.Pattern.compile(org.edm.api.support.Addresses.DOMAIN_REGEX);
        java.util.regex.Pattern host = java.util.regex.Pattern.compile(org.edm.api.support.Addresses.HOST_REGEX);
        java.util.regex.Pattern local = java.util.regex.Pattern.compile(
                org.edm.api.support.Addresses.EMAIL_LOCAL_PART_REGEX);
        for (String s : List.of("mail.example.com", "a.co", "xn--fiqs8s.xn--55qx5d", "example", "a..com", "-a.com",
                "a.c0m", "a.b-", "localhost", "10.0.0.1", "256.1.1.1", "a_b.com", "x".repeat(64) + ".com")) {
            assertThat(domain.matcher(s).find()).as(s).isEqualTo(org.edm.api.support.Addresses.isDomain(s));
            assertThat(host.matcher(s).find()).as(s).isEqualTo(org.edm.api.support.Addresses.isHost(s));
        }
        for (String s : List.of("news", "first.last", "a+b", ".a", "a.", "a..b", "a b", "x".repeat(65))) {
            assertThat(local.matcher(s).find()).as(s).isEqualTo(org.edm.api.support.Addresses.isEmailLocalPart(s));
        }
    }

    private void operations(java.util.function.BiConsumer<String, JsonNode> each) {
        spec.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (METHODS.contains(op.getKey())) {
                each.accept(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
            }
        }));
    }
}
