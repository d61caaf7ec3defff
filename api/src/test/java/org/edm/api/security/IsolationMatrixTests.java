package org.edm.api.security;

import org.edm.api.ApiTestSupport;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;
import org.springframework.test.web.servlet.request.RequestPostProcessor;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * INV-5, checked over the api's own request mappings so a new endpoint cannot slip past: operator A, calling every
 * endpoint that names one resource with operator B's resource, gets 404 (never 403, so nothing tells A that it
 * exists) and changes nothing; every admin endpoint answers 403 to an operator; and no list shows A anything of B.
 */
class IsolationMatrixTests extends ApiTestSupport {

    /** Recipient- and provider-facing paths (token-addressed, public) and the admin area, checked separately. */
    private static final List<String> NOT_OWNER_SCOPED = List.of("/track/", "/unsubscribe/", "/webhooks/",
            "/v1/admin/", "/v1/users", "/v1/settings/",
            // the developer API takes API keys, not sessions: its 404 for another user's message is in ApiSendApiTests
            "/api/v1/");

    /** Admin-only: everything under these prefixes, and the mutations of system-wide settings. */
    private static final List<String> ADMIN_ONLY = List.of("/v1/admin/", "/v1/users");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    private long operatorA;
    private long operatorB;
    private Map<String, Long> ofB;
    private Map<String, String> publicIdsOfB;
    private String senderNameA;

    @BeforeEach
    void twoOperatorsAndEverythingOfB() throws Exception {
        String n = Long.toString(System.nanoTime());
        operatorA = createOperator("iso-a-" + n);
        operatorB = createOperator("iso-b-" + n);
        RequestPostProcessor b = asUser(operatorB);
        RequestPostProcessor a = asUser(operatorA);
        grantQuota(operatorA, 1_000);
        grantQuota(operatorB, 1_000);

        ofB = new LinkedHashMap<>();
        postJson("/v1/contacts/import", "[{\"email\": \"iso-b-" + n + "@example.com\", \"tags\": [\"vip\"]}]", b)
                .andExpect(status().isOk());
        ofB.put("contacts", jdbc.queryForObject("select id from contacts where owner_id = ?", Long.class, operatorB));
        ofB.put("sender-names", idOf(postJson("/v1/sender-names", "{\"name\": \"iso-b-" + n + "\"}", b)
                .andExpect(status().isCreated())));
        long templateB = idOf(postJson("/v1/templates", template("b"), b).andExpect(status().isCreated()));
        ofB.put("templates", templateB);
        long setB = idOf(postJson("/v1/template-sets", "{\"name\": \"iso-b\", \"template_ids\": [" + templateB + "]}",
                b).andExpect(status().isCreated()));
        ofB.put("template-sets", setB);
        long campaignB = idOf(postJson("/v1/campaigns", campaign(setB, "iso-b-" + n), b)
                .andExpect(status().isCreated()));
        ofB.put("campaigns", campaignB);
        ofB.put("tasks", jdbc.queryForObject("select id from tasks where campaign_id = ? order by seq limit 1",
                Long.class, campaignB));
        ofB.put("api-keys", idOf(postJson("/v1/api-keys", "{\"name\": \"iso-b\"}", b)
                .andExpect(status().isCreated())));

        long domainB = idOf(postJson("/v1/domains", "{\"name\": \"iso-b-" + n + ".example.com\"}", b)
                .andExpect(status().isCreated()));
        jdbc.update("update sending_domains set status = 'VERIFIED', verified_at = now() where id = ?", domainB);
        ofB.put("domains", domainB);
        long mailboxB = idOf(postJson("/v1/domains/" + domainB + "/mailboxes", "{\"local_part\": \"iso\"}", b)
                .andExpect(status().isCreated()));
        jdbc.update("update sender_mailboxes set status = 'FAILED' where id = ?", mailboxB);
        ofB.put("mailboxes", mailboxB);
        long webhookB = idOf(postJson("/v1/webhooks", WEBHOOK, b).andExpect(status().isCreated()));
        ofB.put("webhooks", webhookB);
        ofB.put("webhooks/deliveries", jdbc.queryForObject("""
                insert into webhook_deliveries (endpoint_id, message_id, event_type, body)
                values (?, 'msg_iso', 'task.finished', '{}') returning id""", Long.class, webhookB));
        // resources addressed by a public id (an API message of B's, as POST /api/v1/send leaves it)
        publicIdsOfB = Map.of("messages", jdbc.queryForObject("""
                insert into api_messages (public_id, request_id, owner_id, from_address, to_address, subject,
                                          html_body, token)
                values ('msg_iso' || ?, 'req_iso', ?, 'iso@b.example.com', 'r@example.com', 's', 'h', 'tiso' || ?)
                returning public_id""", String.class, n, operatorB, n));
        ofB.put("alerts", jdbc.queryForObject("""
                insert into alerts (kind, subject, owner_id, message) values ('QUOTA_LOW', ?, ?, 'low')
                returning id""", Long.class, "user:" + operatorB, operatorB));

        // A's own, so A's request bodies are valid and only ownership can refuse them
        senderNameA = "iso-a-" + n;
        postJson("/v1/sender-names", "{\"name\": \"" + senderNameA + "\"}", a).andExpect(status().isCreated());
        long templateA = idOf(postJson("/v1/templates", template("a"), a).andExpect(status().isCreated()));
        long setA = idOf(postJson("/v1/template-sets", "{\"name\": \"iso-a\", \"template_ids\": [" + templateA + "]}",
                a).andExpect(status().isCreated()));
        bodies = Map.of("templates", template("a2"), "template-sets",
                "{\"name\": \"iso-a2\", \"template_ids\": [" + templateA + "]}",
                "campaigns", campaign(setA, "iso-a-" + n),
                "tasks", """
                        {"name": "t", "plan_time": "2026-03-10T09:00:00Z", "recipient_rule":
                         {"include_tags": ["vip"]}, "template_set_id": %d, "sender_name": "iso-a-%s"}
                        """.formatted(setA, n),
                "webhooks", WEBHOOK, "contacts", "{\"nickname\": \"renamed by A\", \"tags\": [\"vip\"]}");
    }

    private static final String WEBHOOK = """
            {"url": "https://hooks.example.com/iso", "event_types": ["task.finished"]}""";

    private Map<String, String> bodies;

    /** Valid bodies for POSTs under a collection whose body is required, so only ownership can refuse them. */
    private static final Map<String, String> POST_BODIES = Map.of("domains", "{\"local_part\": \"iso-a\"}");

    @Test
    void everyEndpointNamingAResourceOfAnotherOperatorAnswers404AndChangesNothing() throws Exception {
        Set<String> endpoints = endpoints(pattern -> pattern.contains("{")
                && NOT_OWNER_SCOPED.stream().noneMatch(pattern::startsWith));
        assertThat(endpoints).as("the matrix must cover something").hasSizeGreaterThan(20);

        List<String> leaks = new ArrayList<>();
        for (String endpoint : endpoints) {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String pattern = endpoint.substring(endpoint.indexOf(' ') + 1);
            String collection = pattern.split("/")[2];
            Object id = ofB.containsKey(collection) ? ofB.get(collection) : publicIdsOfB.get(collection);
            if (id == null) {
                leaks.add(endpoint + ": no resource of B for '" + collection + "' in this test; add one");
                continue;
            }
            String path = pattern.replaceFirst("\\{[^}]+}", String.valueOf(id));
            if (path.contains("{")) {
                // a resource of B nested under B's resource, e.g. a webhook's delivery
                String nested = collection + "/" + pattern.split("/")[4];
                path = path.replaceFirst("\\{[^}]+}", String.valueOf(ofB.get(nested)));
            }
            rememberRowCounts();
            long auditRows = auditRows();
            MockHttpServletRequestBuilder call = request(org.springframework.http.HttpMethod.valueOf(method), path)
                    .with(asUser(operatorA));
            if (method.equals("PUT")) {
                call.contentType(MediaType.APPLICATION_JSON).content(bodies.getOrDefault(collection, "{}"));
            } else if (method.equals("POST")) {
                call.contentType(MediaType.APPLICATION_JSON).content(POST_BODIES.getOrDefault(collection, "{}"));
            } else if (method.equals("PATCH")) {
                call.contentType(MediaType.APPLICATION_JSON).content("{\"name\": \"renamed by A\"}");
            }
            int status = mvc.perform(call).andReturn().getResponse().getStatus();
            if (status != 404) {
                leaks.add(endpoint + " -> " + status);
            }
            try {
                assertRowCountsUnchanged();
            } catch (AssertionError changed) {
                leaks.add(endpoint + " changed rows of B: " + changed.getMessage());
            }
            if (auditRows() != auditRows) {
                leaks.add(endpoint + " wrote an audit row");
            }
        }
        assertThat(leaks).isEmpty();
    }

    @Test
    void everyAdminEndpointAnswers403ToAnOperator() throws Exception {
        Set<String> endpoints = endpoints(pattern -> ADMIN_ONLY.stream().anyMatch(pattern::startsWith));
        endpoints.addAll(endpoints(pattern -> pattern.startsWith("/v1/settings/variables")).stream()
                .filter(e -> !e.startsWith("GET ")).toList());
        assertThat(endpoints).as("sender services, bindings, users, audit log, variables").hasSizeGreaterThan(10);

        List<String> open = new ArrayList<>();
        for (String endpoint : endpoints) {
            String method = endpoint.substring(0, endpoint.indexOf(' '));
            String path = endpoint.substring(endpoint.indexOf(' ') + 1).replaceAll("\\{[^}]+}", "1");
            MockHttpServletRequestBuilder call = request(org.springframework.http.HttpMethod.valueOf(method), path)
                    .with(asUser(operatorA));
            if (!method.equals("GET") && !method.equals("DELETE")) {
                call.contentType(MediaType.APPLICATION_JSON).content(path.startsWith("/v1/settings/variables")
                        ? """
                        {"variable_key": "iso_v", "display_name": "x", "source_type": "CONTACT_FIELD",
                         "source_details": {"attribute": "iso_v"}}""" : "{}");
            }
            var response = mvc.perform(call).andReturn().getResponse();
            if (response.getStatus() != 403 || !response.getContentType().startsWith("application/problem+json")) {
                open.add(endpoint + " -> " + response.getStatus() + " " + response.getContentType());
            }
        }
        assertThat(open).isEmpty();
    }

    @Test
    void listsShowAnOperatorOnlyTheirOwn() throws Exception {
        RequestPostProcessor a = asUser(operatorA);
        for (String list : List.of("/v1/campaigns", "/v1/tasks", "/v1/templates", "/v1/template-sets",
                "/v1/contacts", "/v1/sender-names", "/v1/domains", "/v1/mailboxes", "/v1/alerts")) {
            String collection = list.substring("/v1/".length());
            String json = body(getJson(list, a).andExpect(status().isOk()));
            // the listed resources' own ids (an array, or a page's items): a nested id of another table (a set's
            // templates) may equal B's id by chance of the sequences
            boolean array = com.jayway.jsonpath.JsonPath.read(json, "$") instanceof List;
            assertThat(com.jayway.jsonpath.JsonPath.<List<Object>>read(json, array ? "$[*].id" : "$.items[*].id"))
                    .as(list).doesNotContain(ofB.get(collection).intValue());
        }
        // and B's template set cannot be borrowed for A's campaign
        postJson("/v1/campaigns", campaign(ofB.get("template-sets"), senderNameA), a)
                .andExpectAll(problem(404, "template set " + ofB.get("template-sets")));
    }

    // ---- helpers

    private interface PatternFilter {
        boolean test(String pattern);
    }

    private Set<String> endpoints(PatternFilter filter) {
        Set<String> endpoints = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (String pattern : info.getPatternValues()) {
                if (!filter.test(pattern)) {
                    continue;
                }
                for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                    // {id:\\d+} is the same endpoint as {id}
                    endpoints.add(method.name() + " " + pattern.replaceAll("\\{(\\w+):[^}]*}", "{$1}"));
                }
            }
        }
        return endpoints;
    }

    private long auditRows() {
        return jdbc.queryForObject("select count(*) from audit_log", Long.class);
    }

    private void grantQuota(long userId, long amount) throws Exception {
        postJson("/v1/users/" + userId + "/quota-adjustments", "{\"delta\": " + amount + ", \"note\": \"test\"}")
                .andExpect(status().is2xxSuccessful());
    }

    private static String template(String name) {
        return """
                {"name": "iso-%s", "subject": "Hi", "body_html": "<a href=\\"{{unsubscribe_url}}\\">unsubscribe</a>"}
                """.formatted(name);
    }

    private static String campaign(long set, String senderName) {
        return """
                {"name": "iso", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 1,
                 "tasks": [{"name": "one", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %d,
                            "sender_name": "%s"}]}
                """.formatted(set, senderName);
    }
}
