package org.edm.api;

import com.jayway.jsonpath.JsonPath;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import org.edm.api.security.AuthTokens;
import org.edm.api.webhook.MnsTestPki;
import org.edm.domain.testing.TestDatabase;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.autoconfigure.web.servlet.AutoConfigureMockMvc;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.ResultMatcher;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.put;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * The whole api on a real PostgreSQL (a fresh migrated database) and the starter's in-memory Temporal with stub
 * workflows. All test classes extending this share one Spring context and one database, so tests create their own
 * data and assert on differences, never on absolute row counts.
 * <p>
 * Every request acts as the built-in admin, user 1, with a real bearer token ({@link DefaultTestUser}), unless a
 * post-processor says otherwise: {@code mvc.perform(get("/v1/campaigns").with(as(token)))} with a token from
 * {@link #signIn(String, String)}, {@link #asUser(long)}, or {@link #withoutToken()}. {@link #createOperator(String)}
 * makes an operator through the api.
 */
@SpringBootTest(properties = {
        "spring.temporal.test-server.enabled=true",
        "edm.credentials-key=" + TestDatabase.TEST_CREDENTIALS_KEY,
        "edm.webhooks.engagelab-secret=" + ApiTestSupport.ENGAGELAB_WEBHOOK_SECRET,
        "edm.webhooks.aliyun-dm-secret=" + ApiTestSupport.ALIYUN_DM_WEBHOOK_SECRET,
        // the default bursts (300 hits, 20 unsubscribes per address), refilled so slowly that how fast this machine
        // runs a flood does not change what it records (TokenBucketsTests checks the refill with a clock of its own)
        "edm.tracking.rate-limit.per-second=0.01",
        "edm.tracking.rate-limit.unsubscribe-per-second=0.01",
        // the MNS host allow-list stays the production default: MnsTestPki.Routing serves its hosts from loopback
        // the TopicOwner of the MNS documentation's example notification
        "edm.webhooks.aliyun-mns.topic-owners=TopicOwner"})
@AutoConfigureMockMvc
@Import({StubWorkflows.class, DefaultTestUser.class, MnsTestPki.Routing.class})
public abstract class ApiTestSupport {

    protected static final String ENGAGELAB_WEBHOOK_SECRET = "engagelab-webhook-test-secret";
    protected static final String ALIYUN_DM_WEBHOOK_SECRET = "aliyun-dm-webhook-test-secret";

    private static final TestDatabase.Database DB = TestDatabase.freshDatabase();

    /** Tables a rejected request must leave untouched. */
    private static final List<String> TABLES = List.of("sender_services", "user_sender_service_access", "contacts", "sender_names",
            "templates", "template_sets", "template_set_items", "campaigns", "tasks", "audit_log", "sending_domains",
            "domain_dns_records", "sender_mailboxes", "webhook_endpoints", "webhook_deliveries");

    @Autowired
    protected MockMvc mvc;

    @Autowired
    protected JdbcTemplate jdbc;

    @Autowired
    protected WorkflowClient workflowClient;

    @Autowired
    private AuthTokens authTokens;

    @Autowired
    private ObjectMapper objectMapper;

    /** The password {@link #createOperator(String)} gives its users (10+ characters, as the rules want). */
    protected static final String TEST_PASSWORD = "operator-password-1";

    private Map<String, Long> countsBefore;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url", DB::jdbcUrl);
        registry.add("spring.datasource.username", () -> "postgres");
        registry.add("spring.datasource.password", () -> "");
        // the MNS signing certificates of the webhook tests are issued by this test CA
        registry.add("edm.webhooks.aliyun-mns.trust-pem", MnsTestPki::caPemFile);
    }

    /** The sender names fixture tasks use are user 1's (F14: a task may only use its owner's names). */
    @org.junit.jupiter.api.BeforeEach
    void ownTheFixtureSenderNames() {
        for (String name : List.of("news", "hello", "li.lei")) {
            jdbc.update("INSERT INTO sender_names (user_id, local_part) VALUES (1, ?) ON CONFLICT DO NOTHING", name);
        }
    }

    @AfterEach
    void forgetCounts() {
        countsBefore = null;
    }

    /**
     * Quota (issue 5): campaigns are checked against their owner's quota and reserve it when activated. The built-in
     * user 1 plans most campaigns here, so its balance is topped up through the ledger (balance = sum(ledger)) before
     * each test; tests about running short take it down themselves.
     */
    @BeforeEach
    void grantQuotaToUser1() {
        jdbc.update("""
                WITH changed AS (
                    UPDATE users SET quota_balance = quota_balance + 1000000000 WHERE id = 1 AND quota_balance < 1000000
                 RETURNING id, quota_balance)
                INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after, note)
                SELECT id, 1000000000, 'ADMIN_ADJUST', quota_balance, 'api test fixture' FROM changed
                """);
    }

    /** {@code actingAs}: optional post-processors such as {@link #as(String)} or {@link #asUser(long)}. */
    protected ResultActions postJson(String path, String json, RequestPostProcessor... actingAs) throws Exception {
        return mvc.perform(acting(post(path).contentType(MediaType.APPLICATION_JSON).content(json), actingAs));
    }

    protected ResultActions putJson(String path, String json, RequestPostProcessor... actingAs) throws Exception {
        return mvc.perform(acting(put(path).contentType(MediaType.APPLICATION_JSON).content(json), actingAs));
    }

    protected ResultActions getJson(String path, RequestPostProcessor... actingAs) throws Exception {
        return mvc.perform(acting(get(path).accept(MediaType.APPLICATION_JSON), actingAs));
    }

    protected ResultActions deleteJson(String path, RequestPostProcessor... actingAs) throws Exception {
        return mvc.perform(acting(delete(path), actingAs));
    }

    private static MockHttpServletRequestBuilder acting(MockHttpServletRequestBuilder request,
                                                        RequestPostProcessor... actingAs) {
        for (RequestPostProcessor p : actingAs) {
            request.with(p);
        }
        return request;
    }

    protected static long idOf(ResultActions result) throws Exception {
        return ((Number) JsonPath.read(body(result), "$.id")).longValue();
    }

    protected static String body(ResultActions result) throws Exception {
        MvcResult r = result.andReturn();
        return r.getResponse().getContentAsString();
    }

    /** A 4xx ProblemDetail with the given status whose detail mentions {@code detailPart}. */
    protected static ResultMatcher[] problem(int status, String detailPart) {
        return new ResultMatcher[]{
                status().is(status),
                content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON),
                jsonPath("$.status").value(status),
                jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(detailPart))};
    }

    /** A 400 ProblemDetail whose {@code errors} name {@code field}. */
    protected static ResultMatcher[] invalidField(String field) {
        return new ResultMatcher[]{
                status().isBadRequest(),
                content().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON),
                jsonPath("$.status").value(400),
                jsonPath("$.errors[*].field").value(org.hamcrest.Matchers.hasItem(field)),
                jsonPath("$.detail").value(org.hamcrest.Matchers.containsString(field))};
    }

    protected void rememberRowCounts() {
        countsBefore = rowCounts();
    }

    protected void assertRowCountsUnchanged() {
        assertThat(countsBefore).as("call rememberRowCounts() first").isNotNull();
        assertThat(rowCounts()).isEqualTo(countsBefore);
    }

    private Map<String, Long> rowCounts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (String table : TABLES) {
            counts.put(table, jdbc.queryForObject("select count(*) from " + table, Long.class));
        }
        return counts;
    }

    // ---- acting as someone

    /**
     * Creates an enabled OPERATOR through {@code POST /v1/users} (as the default admin), with password
     * {@link #TEST_PASSWORD} and an e-mail derived from the username. Usernames are unique ignoring case, so pass
     * a fresh one (e.g. {@code "op-" + System.nanoTime()}).
     *
     * @return the new user's id
     */
    protected long createOperator(String username) throws Exception {
        return createUser(username, "OPERATOR");
    }

    /** Like {@link #createOperator(String)} with a role: {@code "ADMIN"} or {@code "OPERATOR"}. */
    protected long createUser(String username, String role) throws Exception {
        return idOf(postJson("/v1/users", json(Map.of("username", username,
                "email", username.replaceAll("[^A-Za-z0-9_-]", "-") + "@users.example.com",
                "password", TEST_PASSWORD, "role", role))).andExpect(status().isCreated()));
    }

    /**
     * Signs in through {@code POST /v1/auth/sign-in} (without the default token) and returns the bearer token;
     * fails the test unless the answer is 200.
     */
    protected String signIn(String username, String password) throws Exception {
        return JsonPath.read(body(mvc.perform(post("/v1/auth/sign-in").with(withoutToken())
                .contentType(MediaType.APPLICATION_JSON)
                .content(json(Map.of("username", username, "password", password))))
                .andExpect(status().isOk())), "$.token");
    }

    /** The request carries {@code Authorization: Bearer token} instead of the default admin's token. */
    protected static RequestPostProcessor as(String token) {
        return request -> {
            request.removeHeader(HttpHeaders.AUTHORIZATION);
            request.addHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
            return request;
        };
    }

    /**
     * The request acts as user {@code userId} with a fresh token issued directly (no password needed), e.g.
     * {@code getJson("/v1/campaigns/7", asUser(operatorA))} or {@code mvc.perform(get(..).with(asUser(id)))}.
     */
    protected RequestPostProcessor asUser(long userId) {
        return as(authTokens.issue(userId, "test").token());
    }

    /** The request carries no Authorization header at all (an anonymous caller). */
    protected static RequestPostProcessor withoutToken() {
        return request -> {
            request.removeHeader(HttpHeaders.AUTHORIZATION);
            return request;
        };
    }

    /** The request comes from this client address (sign-in throttling counts per address). */
    protected static RequestPostProcessor fromAddress(String ip) {
        return request -> {
            request.setRemoteAddr(ip);
            return request;
        };
    }

    /** The object as JSON (for bodies with free text such as passwords). */
    protected String json(Object value) throws Exception {
        return objectMapper.writeValueAsString(value);
    }

    // ---- fixtures through the api itself

    protected long createTemplate(String name) throws Exception {
        return idOf(postJson("/v1/templates", """
                {"name": "%s", "subject": "Hi {{nickname}}",
                 "body_html": "<p>Hello {{nickname}}</p><a href=\\"{{unsubscribe_url}}\\">unsubscribe</a>"}
                """.formatted(name)).andExpect(status().isCreated()));
    }

    protected long createTemplateSet(String name, long... templateIds) throws Exception {
        return idOf(postJson("/v1/template-sets", """
                {"name": "%s", "template_ids": %s}
                """.formatted(name, java.util.Arrays.toString(templateIds))).andExpect(status().isCreated()));
    }

    protected long createTemplateSet() throws Exception {
        return createTemplateSet("set-" + System.nanoTime(), createTemplate("t-" + System.nanoTime()));
    }

    /** A two-task draft: start 2026-03-01 09:00 +08:00, every 2 days. */
    protected long createCampaign(long templateSetId) throws Exception {
        return idOf(postJson("/v1/campaigns", """
                {"name": "Spring launch", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 2,
                 "tasks": [
                   {"name": "intro", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %d,
                    "sender_name": "news"},
                   {"name": "follow-up", "recipient_rule": {"include_tags": ["vip"], "match": "ALL",
                    "exclude_tags": ["unsubscribed"]}, "template_set_id": %d, "sender_name": "news"}
                 ]}
                """.formatted(templateSetId, templateSetId)).andExpect(status().isCreated()));
    }
}
