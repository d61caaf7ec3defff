package org.edm.api.alert;

import com.jayway.jsonpath.JsonPath;
import org.edm.api.ApiTestSupport;
import org.edm.domain.alert.AlertKinds;
import org.edm.domain.alert.AlertState;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.test.web.servlet.request.RequestPostProcessor;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

/** Listing and acknowledging alerts over REST: admins see all, operators theirs and their services' (INV-5). */
class AlertApiTests extends ApiTestSupport {

    private long operatorA;
    private long operatorB;
    private long ofA;
    private long ofB;
    private long sharedService;
    private long sharedAlert;
    private long otherServiceAlert;

    @BeforeEach
    void alerts() throws Exception {
        String n = Long.toString(System.nanoTime());
        operatorA = createOperator("alerts-a-" + n);
        operatorB = createOperator("alerts-b-" + n);
        ofA = alert("TASK_PAUSED_NO_QUOTA", "task-a-" + n, operatorA, null);
        ofB = alert("QUOTA_LOW", "user:b-" + n, operatorB, null);
        sharedService = jdbc.queryForObject("insert into sender_services (name, provider, domain, daily_quota) "
                + "values ('shared-" + n + "', 'SMTP', 'example.com', 10) returning id", Long.class);
        jdbc.update("insert into user_sender_service_access (user_id, sender_service_id) values (?, ?)", operatorA,
                sharedService);
        sharedAlert = alert("SENDER_SERVICE_FROZEN", "sender-service-" + sharedService, null, sharedService);
        otherServiceAlert = alert("SENDER_SERVICE_FROZEN", "sender-service-x" + n, null, sharedService + 100_000);
    }

    private long alert(String kind, String subject, Long owner, Long service) {
        return jdbc.queryForObject("""
                insert into alerts (kind, subject, owner_id, sender_service_id, message, details)
                values (?, ?, ?, ?, 'something happened', '{"figure": 12}') returning id""", Long.class, kind,
                subject, owner, service);
    }

    private List<Integer> ids(String path, RequestPostProcessor... as) throws Exception {
        return JsonPath.read(body(getJson(path, as).andExpect(status().isOk())), "$[*].id");
    }

    @Test
    void anAdminListsAllAlertsWithFiltersAndTheirFigures() throws Exception {
        assertThat(ids("/v1/admin/alerts?limit=500")).contains((int) ofA, (int) ofB, (int) sharedAlert);
        assertThat(ids("/v1/admin/alerts?kind=QUOTA_LOW&state=open&limit=500")).contains((int) ofB)
                .doesNotContain((int) ofA, (int) sharedAlert);
        getJson("/v1/admin/alerts/" + ofB).andExpect(status().isOk())
                .andExpect(jsonPath("$.kind").value("QUOTA_LOW"))
                .andExpect(jsonPath("$.state").value("open"))
                .andExpect(jsonPath("$.owner_id").value(operatorB))
                .andExpect(jsonPath("$.details.figure").value(12));
    }

    @Test
    void badFiltersAreA400ProblemAndOperatorsGet403OnTheAdminList() throws Exception {
        getJson("/v1/admin/alerts?state=closed").andExpectAll(invalidField("state"));
        getJson("/v1/alerts?kind=NOPE", asUser(operatorA)).andExpectAll(invalidField("kind"));
        getJson("/v1/admin/alerts?limit=0").andExpectAll(invalidField("limit"));
        getJson("/v1/admin/alerts", asUser(operatorA)).andExpectAll(problem(403, "admin"));
        postJson("/v1/admin/alerts/" + ofA + "/acknowledge", "", asUser(operatorA)).andExpectAll(problem(403, "admin"));
        getJson("/v1/admin/alerts/999999999").andExpectAll(problem(404, "alert 999999999"));
    }

    @Test
    void anOperatorSeesTheirOwnAndTheirServicesAlertsOnly() throws Exception {
        assertThat(ids("/v1/alerts?limit=500", asUser(operatorA)))
                .containsExactlyInAnyOrder((int) ofA, (int) sharedAlert);
        getJson("/v1/alerts/" + ofB, asUser(operatorA)).andExpectAll(problem(404, "alert " + ofB));
        getJson("/v1/alerts/" + otherServiceAlert, asUser(operatorA)).andExpect(status().isNotFound());
        getJson("/v1/alerts/" + sharedAlert, asUser(operatorA)).andExpect(status().isOk());
    }

    @Test
    void anOperatorAcknowledgesTheirOwnAlertAndNotAnothersNorAServicesWhichAnAdminDoes() throws Exception {
        postJson("/v1/alerts/" + ofB + "/acknowledge", "", asUser(operatorA)).andExpectAll(problem(404, "alert"));
        postJson("/v1/alerts/" + sharedAlert + "/acknowledge", "", asUser(operatorA))
                .andExpect(status().isNotFound());
        assertThat(jdbc.queryForObject("select count(*) from alerts where id in (?, ?) and acknowledged_at is not null",
                Long.class, ofB, sharedAlert)).isZero();

        postJson("/v1/alerts/" + ofA + "/acknowledge", "", asUser(operatorA)).andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("acknowledged"))
                .andExpect(jsonPath("$.acknowledged_by").value(operatorA));
        assertThat(ids("/v1/alerts?state=acknowledged", asUser(operatorA))).containsExactly((int) ofA);
        assertThat(ids("/v1/alerts?state=open", asUser(operatorA))).containsExactly((int) sharedAlert);

        postJson("/v1/admin/alerts/" + sharedAlert + "/acknowledge", "").andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("acknowledged"));
        assertThat(jdbc.queryForObject("select count(*) from audit_log where entity = 'alert' and entity_id = ? "
                + "and action = 'ACKNOWLEDGE'", Long.class, String.valueOf(sharedAlert))).isEqualTo(1);
        // a second acknowledgement keeps the first
        postJson("/v1/alerts/" + ofA + "/acknowledge", "", asUser(operatorA)).andExpect(status().isOk())
                .andExpect(jsonPath("$.acknowledged_by").value(operatorA));
    }

    @Test
    void bothListsDocumentTheStatesAndKindsTheyAccept() throws Exception {
        String spec = body(mvc.perform(org.springframework.test.web.servlet.request.MockMvcRequestBuilders
                .get("/v3/api-docs")).andExpect(status().isOk()));
        for (String path : List.of("/v1/admin/alerts", "/v1/alerts")) {
            String parameters = "$.paths['" + path + "'].get.parameters[?(@.name == '%s')].schema.enum[*]";
            List<String> states = JsonPath.read(spec, parameters.formatted("state"));
            List<String> kinds = JsonPath.read(spec, parameters.formatted("kind"));
            assertThat(states).as(path).containsExactlyElementsOf(AlertState.ALL);
            assertThat(kinds).as(path).containsExactlyElementsOf(AlertKinds.ALL);
        }
    }
}
