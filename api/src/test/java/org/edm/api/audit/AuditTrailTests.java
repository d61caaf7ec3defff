package org.edm.api.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import org.edm.api.ApiTestSupport;
import org.edm.workflows.TaskQueues;
import org.edm.workflows.WorkflowIds;
import org.edm.workflows.task.TaskInput;
import org.edm.workflows.task.TaskWorkflow;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.web.servlet.ResultActions;
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
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/**
 * INV-8 for every mutating endpoint there is: the test reads the api's own request mappings, fails if a POST, PUT,
 * PATCH or DELETE has no example call below (so a new endpoint cannot slip past the audit), makes each call and
 * checks that it left exactly one audit row naming the actor, the entity and its id, with no secret in it.
 */
class AuditTrailTests extends ApiTestSupport {

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    private RequestMappingHandlerMapping mappings;

    @Autowired
    private ObjectMapper json;

    /** A successful call of one endpoint, and the entity/id its audit row must name. */
    private interface Example {
        Expected call() throws Exception;
    }

    private record Expected(String entity, String id, String action, long actor) {
        Expected(String entity, String id, String action) {
            this(entity, id, action, 1);
        }
    }

    private long signedUp(String email) {
        return jdbc.queryForObject("SELECT id FROM users WHERE email = ?", Long.class, email);
    }

    private long alert(Long owner) {
        return jdbc.queryForObject("INSERT INTO alerts (kind, subject, owner_id, message) VALUES ('QUOTA_LOW', ?, ?, "
                + "'low') RETURNING id", Long.class, "audit-" + System.nanoTime(), owner);
    }

    private Map<String, Example> examples() {
        Map<String, Example> e = new LinkedHashMap<>();
        // campaigns
        e.put("POST /v1/campaigns", () -> created("campaign", "CREATE",
                postJson("/v1/campaigns", campaignJson(createTemplateSet())).andExpect(status().isCreated())));
        e.put("PUT /v1/campaigns/{id}", () -> {
            long set = createTemplateSet();
            long id = createCampaign(set);
            putJson("/v1/campaigns/" + id, campaignJson(set)).andExpect(status().isOk());
            return new Expected("campaign", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/campaigns/{id}", () -> {
            long id = createCampaign(createTemplateSet());
            deleteJson("/v1/campaigns/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("campaign", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/campaigns/{id}/activate", () -> {
            long id = createCampaign(createTemplateSet());
            postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().is2xxSuccessful());
            return new Expected("campaign", String.valueOf(id), "ACTIVATE");
        });
        for (String action : List.of("pause", "resume", "cancel")) {
            e.put("POST /v1/campaigns/{id}/" + action, () -> {
                long id = activeCampaign();
                postJson("/v1/campaigns/" + id + "/" + action, "{\"reason\": \"audit\"}")
                        .andExpect(status().is2xxSuccessful());
                return new Expected("campaign", String.valueOf(id), action.toUpperCase());
            });
        }
        // tasks
        e.put("POST /v1/tasks", () -> {
            long set = createTemplateSet();
            long campaign = createCampaign(set);
            return created("task", "CREATE", postJson("/v1/tasks", taskJson(campaign, set))
                    .andExpect(status().isCreated()));
        });
        e.put("PUT /v1/tasks/{id}", () -> {
            long set = createTemplateSet();
            long task = firstTask(createCampaign(set));
            putJson("/v1/tasks/" + task, taskJson(0, set)).andExpect(status().isOk());
            return new Expected("task", String.valueOf(task), "UPDATE");
        });
        e.put("DELETE /v1/tasks/{id}", () -> {
            long task = firstTask(createCampaign(createTemplateSet()));
            deleteJson("/v1/tasks/" + task).andExpect(status().is2xxSuccessful());
            return new Expected("task", String.valueOf(task), "DELETE");
        });
        for (String action : List.of("pause", "resume", "cancel")) {
            e.put("POST /v1/tasks/{id}/" + action, () -> {
                long task = sendingTaskWithRun();
                postJson("/v1/tasks/" + task + "/" + action, "{\"reason\": \"audit\"}")
                        .andExpect(status().is2xxSuccessful());
                return new Expected("task", String.valueOf(task), action.toUpperCase());
            });
        }
        e.put("POST /v1/tasks/{id}/retry", () -> {
            long task = firstTask(createCampaign(createTemplateSet()));
            jdbc.update("update tasks set status = 'FINISHED', actual_end_time = now() where id = ?", task);
            long contact = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                    Long.class, "audit-retry-" + task + "@example.com");
            jdbc.update("insert into deliveries (task_id, contact_id, status, token, claim_token) "
                    + "values (?, ?, 'FAILED', ?, 'test/claim')",
                    task, contact, "audit-retry-" + task);
            postJson("/v1/tasks/" + task + "/retry", "").andExpect(status().is2xxSuccessful());
            return new Expected("task", String.valueOf(task), "RETRY");
        });
        // templates, template sets, variables
        e.put("POST /v1/templates", () -> new Expected("template", String.valueOf(createTemplate("audit")), "CREATE"));
        e.put("PUT /v1/templates/{id}", () -> {
            long id = createTemplate("audit");
            putJson("/v1/templates/" + id, templateJson("audit-2")).andExpect(status().isOk());
            return new Expected("template", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/templates/{id}", () -> {
            long id = createTemplate("audit");
            deleteJson("/v1/templates/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("template", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/template-sets", () -> new Expected("template_set", String.valueOf(createTemplateSet()),
                "CREATE"));
        e.put("PUT /v1/template-sets/{id}", () -> {
            long template = createTemplate("audit");
            long id = createTemplateSet("audit-set-" + System.nanoTime(), template);
            putJson("/v1/template-sets/" + id, "{\"name\": \"renamed-" + System.nanoTime()
                    + "\", \"template_ids\": [" + template + "]}").andExpect(status().isOk());
            return new Expected("template_set", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/template-sets/{id}", () -> {
            long id = createTemplateSet();
            deleteJson("/v1/template-sets/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("template_set", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/settings/variables", () -> created("variable", "CREATE",
                postJson("/v1/settings/variables", variableJson("audit_v" + System.nanoTime()))
                        .andExpect(status().isCreated())));
        e.put("PUT /v1/settings/variables/{id}", () -> {
            String key = "audit_v" + System.nanoTime();
            long id = idOf(postJson("/v1/settings/variables", variableJson(key)).andExpect(status().isCreated()));
            putJson("/v1/settings/variables/" + id, variableJson(key)).andExpect(status().isOk());
            return new Expected("variable", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/settings/variables/{id}", () -> {
            long id = idOf(postJson("/v1/settings/variables", variableJson("audit_v" + System.nanoTime()))
                    .andExpect(status().isCreated()));
            deleteJson("/v1/settings/variables/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("variable", String.valueOf(id), "DELETE");
        });
        // contacts
        e.put("POST /v1/contacts/import", () -> {
            postJson("/v1/contacts/import", "[{\"email\": \"audit-" + System.nanoTime() + "@example.com\"}]")
                    .andExpect(status().isOk());
            return new Expected("contact", null, "IMPORT");
        });
        e.put("PUT /v1/contacts/{id}", () -> {
            long id = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                    Long.class, "audit-edit-" + System.nanoTime() + "@example.com");
            putJson("/v1/contacts/" + id, "{\"nickname\": \"Ann\", \"tags\": [\"audit-edited\"]}")
                    .andExpect(status().isOk());
            return new Expected("contact", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/contacts/{id}", () -> {
            long id = jdbc.queryForObject("insert into contacts (owner_id, email) values (1, ?) returning id",
                    Long.class, "audit-erase-" + System.nanoTime() + "@example.com");
            deleteJson("/v1/contacts/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("contact", String.valueOf(id), "DELETE");
        });
        // API keys (the secret is in the create answer once; the audit row must not keep it)
        e.put("POST /v1/api-keys", () -> created("api_key", "CREATE",
                postJson("/v1/api-keys", "{\"name\": \"audit\"}").andExpect(status().isCreated())));
        e.put("DELETE /v1/api-keys/{id}", () -> {
            long id = idOf(postJson("/v1/api-keys", "{\"name\": \"audit-revoke\"}")
                    .andExpect(status().isCreated()));
            deleteJson("/v1/api-keys/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("api_key", String.valueOf(id), "DELETE");
        });
        // sender services (admin)
        e.put("POST /v1/admin/sender-services", () -> created("sender_service", "CREATE",
                postJson("/v1/admin/sender-services", serviceJson()).andExpect(status().isCreated())));
        e.put("PUT /v1/admin/sender-services/{id}", () -> {
            long id = senderService();
            putJson("/v1/admin/sender-services/" + id, serviceJson()).andExpect(status().isOk());
            return new Expected("sender_service", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/admin/sender-services/{id}", () -> {
            long id = senderService();
            deleteJson("/v1/admin/sender-services/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("sender_service", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/admin/sender-services/{id}/unfreeze", () -> {
            long id = senderService();
            postJson("/v1/admin/sender-services/" + id + "/unfreeze", "").andExpect(status().isOk());
            return new Expected("sender_service", String.valueOf(id), "UNFREEZE");
        });
        e.put("POST /v1/admin/sender-services/{id}/quota-adjustments", () -> {
            long id = senderService();
            postJson("/v1/admin/sender-services/" + id + "/quota-adjustments", "{\"remaining_today\": 10}")
                    .andExpect(status().isOk());
            return new Expected("sender_service", String.valueOf(id), "QUOTA_ADJUSTMENTS");
        });
        e.put("POST /v1/admin/alerts/{id}/acknowledge", () -> {
            long id = alert(null);
            postJson("/v1/admin/alerts/" + id + "/acknowledge", "").andExpect(status().isOk());
            return new Expected("alert", String.valueOf(id), "ACKNOWLEDGE");
        });
        e.put("POST /v1/alerts/{id}/acknowledge", () -> {
            long operator = createOperator("audit-alerts" + System.nanoTime());
            long id = alert(operator);
            postJson("/v1/alerts/" + id + "/acknowledge", "", asUser(operator)).andExpect(status().isOk());
            return new Expected("alert", String.valueOf(id), "ACKNOWLEDGE", operator);
        });
        e.put("PUT /v1/admin/users/{userId}/sender-services", () -> {
            long service = senderService();
            putJson("/v1/admin/users/1/sender-services", "{\"service_ids\": [" + service + "]}")
                    .andExpect(status().isOk());
            return new Expected("user", "1", "UPDATE_SENDER_SERVICES");
        });
        // users and sign-in (the actor of a sign-in is the person it signed in)
        e.put("POST /v1/users", () -> new Expected("user", String.valueOf(createOperator("audit" + System.nanoTime())),
                "CREATE"));
        e.put("PUT /v1/users/{id}", () -> {
            long id = createOperator("audit" + System.nanoTime());
            putJson("/v1/users/" + id, "{\"email\": \"audit" + id + "@example.com\", \"role\": \"OPERATOR\", "
                    + "\"enabled\": true}").andExpect(status().isOk());
            return new Expected("user", String.valueOf(id), "UPDATE");
        });
        e.put("POST /v1/users/{id}/password", () -> {
            long id = createOperator("audit" + System.nanoTime());
            postJson("/v1/users/" + id + "/password", "{\"password\": \"" + SECRET + "\"}")
                    .andExpect(status().is2xxSuccessful());
            return new Expected("user", String.valueOf(id), "PASSWORD");
        });
        e.put("POST /v1/users/{id}/unlock", () -> {
            long id = createOperator("audit" + System.nanoTime());
            postJson("/v1/users/" + id + "/unlock", "").andExpect(status().isOk());
            return new Expected("user", String.valueOf(id), "UNLOCK");
        });
        e.put("DELETE /v1/users/{id}", () -> {
            long id = createOperator("audit" + System.nanoTime());
            deleteJson("/v1/users/" + id).andExpect(status().is2xxSuccessful());
            return new Expected("user", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/users/{id}/quota-adjustments", () -> {
            long id = createOperator("audit" + System.nanoTime());
            postJson("/v1/users/" + id + "/quota-adjustments", "{\"delta\": 5, \"note\": \"audit\"}")
                    .andExpect(status().is2xxSuccessful());
            return new Expected("user", String.valueOf(id), "QUOTA_ADJUSTMENTS");
        });
        e.put("POST /v1/auth/sign-in", () -> {
            String name = "audit" + System.nanoTime();
            long id = createOperator(name);
            signIn(name, TEST_PASSWORD);
            return new Expected("auth", null, "SIGN_IN", id);
        });
        e.put("POST /v1/auth/sign-out", () -> {
            String name = "audit" + System.nanoTime();
            long id = createOperator(name);
            postJson("/v1/auth/sign-out", "", as(signIn(name, TEST_PASSWORD))).andExpect(status().is2xxSuccessful());
            return new Expected("auth", null, "SIGN_OUT", id);
        });
        // self sign-up (anonymous: the actor is the user it created or mailed again)
        e.put("POST /v1/auth/sign-up", () -> {
            String email = "audit" + System.nanoTime() + "@signup.example.com";
            postJson("/v1/auth/sign-up", json(Map.of("email", email, "password", TEST_PASSWORD)), withoutToken())
                    .andExpect(status().isAccepted());
            return new Expected("auth", null, "SIGN_UP", signedUp(email));
        });
        e.put("POST /v1/auth/resend-verification", () -> {
            String email = "audit" + System.nanoTime() + "@signup.example.com";
            postJson("/v1/auth/sign-up", json(Map.of("email", email, "password", TEST_PASSWORD)), withoutToken())
                    .andExpect(status().isAccepted());
            postJson("/v1/auth/resend-verification", json(Map.of("email", email)), withoutToken())
                    .andExpect(status().isAccepted());
            return new Expected("auth", null, "RESEND_VERIFICATION", signedUp(email));
        });
        e.put("PATCH /v1/campaigns/{id}", () -> {
            long id = createCampaign(createTemplateSet());
            mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders.patch("/v1/campaigns/" + id)
                    .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                    .content("{\"name\": \"audit rename\"}")).andExpect(status().isOk());
            return new Expected("campaign", String.valueOf(id), "UPDATE");
        });
        // sender names
        e.put("POST /v1/sender-names", () -> created("sender_name", "CREATE",
                postJson("/v1/sender-names", "{\"name\": \"audit" + System.nanoTime() + "\"}")
                        .andExpect(status().isCreated())));
        e.put("DELETE /v1/sender-names/{id}", () -> {
            long id = idOf(postJson("/v1/sender-names", "{\"name\": \"audit" + System.nanoTime() + "\"}")
                    .andExpect(status().isCreated()));
            deleteJson("/v1/sender-names/" + id).andExpect(status().isNoContent());
            return new Expected("sender_name", String.valueOf(id), "DELETE");
        });
        // sending domains and sender mailboxes
        e.put("POST /v1/domains", () -> created("domain", "CREATE", postJson("/v1/domains",
                "{\"name\": \"audit" + System.nanoTime() + ".example.com\"}").andExpect(status().isCreated())));
        e.put("POST /v1/domains/{id}/verify", () -> {
            long id = sendingDomain(false);
            postJson("/v1/domains/" + id + "/verify", "").andExpect(status().isAccepted());
            return new Expected("domain", String.valueOf(id), "VERIFY");
        });
        e.put("DELETE /v1/domains/{id}", () -> {
            long id = sendingDomain(false);
            deleteJson("/v1/domains/" + id).andExpect(status().isNoContent());
            return new Expected("domain", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/domains/{id}/mailboxes", () -> {
            long id = sendingDomain(true);
            postJson("/v1/domains/" + id + "/mailboxes", "{\"local_part\": \"audit\"}").andExpect(status().isCreated());
            return new Expected("domain", String.valueOf(id), "MAILBOXES");
        });
        e.put("DELETE /v1/mailboxes/{id}", () -> {
            long domain = sendingDomain(true);
            long id = idOf(postJson("/v1/domains/" + domain + "/mailboxes", "{\"local_part\": \"audit\"}")
                    .andExpect(status().isCreated()));
            jdbc.update("update sender_mailboxes set status = 'FAILED' where id = ?", id);
            deleteJson("/v1/mailboxes/" + id).andExpect(status().isNoContent());
            return new Expected("mailbox", String.valueOf(id), "DELETE");
        });
        // outgoing webhooks
        e.put("POST /v1/webhooks", () -> created("webhook", "CREATE",
                postJson("/v1/webhooks", WEBHOOK).andExpect(status().isCreated())));
        e.put("PUT /v1/webhooks/{id}", () -> {
            long id = idOf(postJson("/v1/webhooks", WEBHOOK).andExpect(status().isCreated()));
            putJson("/v1/webhooks/" + id, WEBHOOK.replace("task.finished", "message.opened"))
                    .andExpect(status().isOk());
            return new Expected("webhook", String.valueOf(id), "UPDATE");
        });
        e.put("DELETE /v1/webhooks/{id}", () -> {
            long id = idOf(postJson("/v1/webhooks", WEBHOOK).andExpect(status().isCreated()));
            deleteJson("/v1/webhooks/" + id).andExpect(status().isNoContent());
            return new Expected("webhook", String.valueOf(id), "DELETE");
        });
        e.put("POST /v1/webhooks/{id}/rotate-secret", () -> {
            long id = idOf(postJson("/v1/webhooks", WEBHOOK).andExpect(status().isCreated()));
            postJson("/v1/webhooks/" + id + "/rotate-secret", "").andExpect(status().isOk());
            return new Expected("webhook", String.valueOf(id), "ROTATE_SECRET");
        });
        e.put("POST /v1/webhooks/{id}/deliveries/{deliveryId}/replay", () -> {
            long id = idOf(postJson("/v1/webhooks", WEBHOOK).andExpect(status().isCreated()));
            long delivery = jdbc.queryForObject("""
                    insert into webhook_deliveries (endpoint_id, message_id, event_type, body, status)
                    values (?, 'msg_audit', 'task.finished', '{}', 'FAILED') returning id""", Long.class, id);
            postJson("/v1/webhooks/" + id + "/deliveries/" + delivery + "/replay", "")
                    .andExpect(status().isAccepted());
            return new Expected("delivery", String.valueOf(delivery), "REPLAY");
        });
        return e;
    }

    private static final String WEBHOOK = """
            {"url": "https://hooks.example.com/audit", "event_types": ["task.finished"]}""";

    @Test
    void everyMutatingEndpointLeavesOneAuditRowWithActorEntityAndId() throws Exception {
        Map<String, Example> examples = examples();
        Set<String> endpoints = mutatingEndpoints();
        assertThat(examples.keySet())
                .as("every mutating endpoint needs an example here, so the test proves it is audited")
                .containsAll(endpoints);

        List<String> failures = new ArrayList<>();
        for (String endpoint : endpoints) {
            long lastRow = lastAuditRow();
            Expected expected = examples.get(endpoint).call();
            List<Map<String, Object>> rows = jdbc.queryForList("""
                    SELECT actor_id, action, entity, entity_id, client_ip,
                           coalesce(before::text, '') || coalesce(after::text, '') || coalesce(request::text, '') AS images
                      FROM audit_log WHERE id > ? AND entity = ? AND action = ? ORDER BY id
                    """, lastRow, expected.entity(), expected.action());
            if (rows.size() != 1) {
                failures.add(endpoint + ": expected one " + expected + " row, found " + rows);
                continue;
            }
            Map<String, Object> row = rows.get(0);
            if (expected.id() != null && !expected.id().equals(row.get("entity_id"))) {
                failures.add(endpoint + ": entity_id " + row.get("entity_id") + " instead of " + expected.id());
            }
            if (row.get("actor_id") == null || ((Number) row.get("actor_id")).longValue() != expected.actor()
                    || row.get("client_ip") == null) {
                failures.add(endpoint + ": actor or client address missing: " + row);
            }
            if (String.valueOf(row.get("images")).contains(SECRET)
                    || String.valueOf(row.get("images")).contains(TEST_PASSWORD)) {
                failures.add(endpoint + ": a secret reached the audit log");
            }
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void beforeAndAfterArePicturesOfTheResourceAndTheRequestKeepsTheReason() throws Exception {
        long set = createTemplateSet();
        long id = createCampaign(set);
        long lastRow = lastAuditRow();
        putJson("/v1/campaigns/" + id, campaignJson(set).replace("Audit launch", "Audit relaunch"))
                .andExpect(status().isOk());
        Map<String, Object> row = jdbc.queryForMap("""
                SELECT before::text AS before, after::text AS after FROM audit_log
                 WHERE id > ? AND entity = 'campaign' AND entity_id = ?""", lastRow, String.valueOf(id));
        assertThat(json.readTree((String) row.get("before")).path("name").asText()).isEqualTo("Spring launch");
        assertThat(json.readTree((String) row.get("after")).path("name").asText()).isEqualTo("Audit relaunch");

        long campaign = activeCampaign();
        postJson("/v1/campaigns/" + campaign + "/pause", "{\"reason\": \"holiday\"}").andExpect(status().isAccepted());
        String request = jdbc.queryForObject("""
                SELECT request::text FROM audit_log WHERE entity = 'campaign' AND entity_id = ? AND action = 'PAUSE'
                """, String.class, String.valueOf(campaign));
        assertThat(json.readTree(request).path("reason").asText()).isEqualTo("holiday");
    }

    @Test
    void adminsPageAndFilterTheTrail() throws Exception {
        long id = createTemplate("paged");
        putJson("/v1/templates/" + id, templateJson("paged-2")).andExpect(status().isOk());
        getJson("/v1/admin/audit-log?entity=template&entity_id=" + id + "&size=1").andExpect(status().isOk())
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.total_items")
                        .value(2))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.items[0].action")
                        .value("UPDATE"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$.items[0].after.name").value("paged-2"))
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath(
                        "$.items[0].actor_username").value("admin"));
        getJson("/v1/admin/audit-log?entity=template&entity_id=" + id + "&action=create&page=0&size=10")
                .andExpect(org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath("$.total_items")
                        .value(1));
        getJson("/v1/admin/audit-log?size=0").andExpectAll(invalidField("size"));
    }

    @Test
    void aRejectedCallLeavesNoAuditRow() throws Exception {
        long lastRow = lastAuditRow();
        postJson("/v1/campaigns", "{\"name\": \"\"}").andExpect(status().isBadRequest());
        deleteJson("/v1/templates/987654321").andExpect(status().isNotFound());
        assertThat(lastAuditRow()).isEqualTo(lastRow);
    }

    @Test
    void secretsAreMaskedAtAnyDepth() throws Exception {
        JsonNode masked = AuditTrail.mask(json.readTree("""
                {"name": "n", "smtp": {"password": "p1", "imap": {"password": "p2"}},
                 "aliyun": {"access_key_secret": "s"}, "items": [{"api_key": "k"}], "token": "t"}"""));
        assertThat(masked.toString()).doesNotContain("p1", "p2", "\"s\"", "\"k\"", "\"t\"").contains("\"n\"");
    }

    @Test
    void pathsNameTheEntityIdAndAction() {
        var vars = Map.of("id", "7");
        assertThat(AuditedPath.of("POST", "/v1/admin/sender-services/{id}/unfreeze", vars))
                .satisfies(p -> {
                    assertThat(p.entity(false)).isEqualTo("sender_service");
                    assertThat(p.action(false)).isEqualTo("UNFREEZE");
                    assertThat(p.id()).isEqualTo("7");
                });
        AuditedPath create = AuditedPath.of("POST", "/v1/template-sets", Map.of());
        assertThat(create.entity(true)).isEqualTo("template_set");
        assertThat(create.action(true)).isEqualTo("CREATE");
        AuditedPath signIn = AuditedPath.of("POST", "/v1/auth/sign-in", Map.of());
        assertThat(signIn.entity(false)).isEqualTo("auth");
        assertThat(signIn.action(false)).isEqualTo("SIGN_IN");
        assertThat(AuditedPath.of("DELETE", "/v1/tasks/{id}", vars).action(false)).isEqualTo("DELETE");
        assertThat(AuditedPath.of("PUT", "/v1/tasks/{id}", vars).action(false)).isEqualTo("UPDATE");
        assertThat(AuditedPath.of("DELETE", "/v1/mailboxes/{id}", vars).entity(false)).isEqualTo("mailbox");
    }

    // ---- fixtures

    private static final String SECRET = "audit-smtp-Secret-42";

    private Set<String> mutatingEndpoints() {
        Set<String> endpoints = new TreeSet<>();
        for (RequestMappingInfo info : mappings.getHandlerMethods().keySet()) {
            for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                if (!MUTATING.contains(method.name())) {
                    continue;
                }
                for (String pattern : info.getPatternValues()) {
                    if (AuditTrail.NOT_A_PERSON.stream().noneMatch(pattern::startsWith)) {
                        // {id:\\d+} is the same endpoint as {id} (AuditTrail reads it so)
                        endpoints.add(method.name() + " " + pattern.replaceAll("\\{(\\w+):[^}]*}", "{$1}"));
                    }
                }
            }
        }
        return endpoints;
    }

    private long lastAuditRow() {
        return jdbc.queryForObject("select coalesce(max(id), 0) from audit_log", Long.class);
    }

    private Expected created(String entity, String action, ResultActions result) throws Exception {
        return new Expected(entity, String.valueOf(idOf(result)), action);
    }

    private long firstTask(long campaign) {
        return jdbc.queryForObject("select id from tasks where campaign_id = ? order by seq limit 1", Long.class,
                campaign);
    }

    private long activeCampaign() throws Exception {
        long id = createCampaign(createTemplateSet());
        postJson("/v1/campaigns/" + id + "/activate", "").andExpect(status().is2xxSuccessful());
        return id;
    }

    private long sendingTaskWithRun() throws Exception {
        long campaign = createCampaign(createTemplateSet());
        long task = firstTask(campaign);
        jdbc.update("update tasks set status = 'SENDING', actual_start_time = now() where id = ?", task);
        TaskWorkflow run = workflowClient.newWorkflowStub(TaskWorkflow.class, WorkflowOptions.newBuilder()
                .setWorkflowId(WorkflowIds.task(task)).setTaskQueue(TaskQueues.EDM).build());
        WorkflowClient.start(run::run, new TaskInput(task, campaign));
        return task;
    }

    /** A sending domain of user 1; {@code verified}: as if its DNS records had been checked. */
    private long sendingDomain(boolean verified) throws Exception {
        long id = idOf(postJson("/v1/domains", "{\"name\": \"audit" + System.nanoTime() + ".example.com\"}")
                .andExpect(status().isCreated()));
        if (verified) {
            jdbc.update("update sending_domains set status = 'VERIFIED', verified_at = now() where id = ?", id);
        }
        return id;
    }

    private long senderService() throws Exception {
        return idOf(postJson("/v1/admin/sender-services", serviceJson()).andExpect(status().isCreated()));
    }

    private static String serviceJson() {
        return """
                {"name": "audit-%d", "provider": "SMTP", "domain": "mail.example.com",
                 "smtp": {"host": "smtp.example.com", "port": 587, "username": "mailer", "password": "%s"},
                 "daily_quota": 100, "throttle_seconds": 1}
                """.formatted(System.nanoTime(), SECRET);
    }

    private static String campaignJson(long set) {
        return """
                {"name": "Audit launch", "start_time": "2026-03-01T09:00:00+08:00", "interval_days": 1,
                 "tasks": [{"name": "one", "recipient_rule": {"include_tags": ["vip"]}, "template_set_id": %d,
                            "sender_name": "news"}]}
                """.formatted(set);
    }

    private static String taskJson(long campaign, long set) {
        return """
                {%s"name": "extra", "plan_time": "2026-03-10T09:00:00Z", "recipient_rule": {"include_tags": ["vip"]},
                 "template_set_id": %d, "sender_name": "news"}
                """.formatted(campaign > 0 ? "\"campaign_id\": " + campaign + ", " : "", set);
    }

    private static String templateJson(String name) {
        return """
                {"name": "%s", "subject": "Hi", "body_html": "<a href=\\"{{unsubscribe_url}}\\">unsubscribe</a>"}
                """.formatted(name);
    }

    private static String variableJson(String key) {
        return """
                {"variable_key": "%s", "display_name": "x", "source_type": "CONTACT_FIELD",
                 "source_details": {"attribute": "%s"}}
                """.formatted(key, key);
    }
}
