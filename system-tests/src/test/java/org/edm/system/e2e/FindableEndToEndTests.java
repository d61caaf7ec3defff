package org.edm.system.e2e;

import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import org.edm.system.harness.AppProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 14, "findable": the README's Web UI queries, run against the real Temporal dev server (its SQLite
 * visibility; the Java test server has none) while a campaign sends through the packaged api and worker; and the
 * api's Prometheus endpoint reporting the paused task.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FindableEndToEndTests {

    private EndToEndStack stack;
    private WorkflowServiceStubs temporal;

    @BeforeAll
    void startStack() throws Exception {
        // the api's gauges refresh every 2 s instead of every 15 s (edm.metrics.refresh): the test's wait for them
        stack = EndToEndStack.withWorker("findable", Map.of("EDM_METRICS_REFRESH", "PT2S"));
        temporal = WorkflowServiceStubs.newServiceStubs(WorkflowServiceStubsOptions.newBuilder()
                .setTarget(stack.temporal.address()).build());
    }

    @AfterAll
    void stopStack() throws Exception {
        if (temporal != null) {
            temporal.shutdownNow();
        }
        if (stack != null) {
            stack.close();
        }
    }

    @Test
    void pausedTasksOfAUserAndActiveServicesAreOneQueryAway() throws Exception {
        AppProcess worker = stack.worker();
        try {
            // a throttle of one second: the task is still sending when it is paused
            long campaignId = stack.createCampaign("findable", 30, 1.0);
            stack.post("/v1/campaigns/" + campaignId + "/activate", Map.of());
            long taskId = stack.get("/v1/campaigns/" + campaignId).path("tasks").get(0).path("id").asLong();

            List<WorkflowExecutionInfo> sending = await("EdmOwnerId = \"1\" AND EdmTaskStatus = \"SENDING\"",
                    runs -> runs.stream().anyMatch(r -> r.getExecution().getWorkflowId().equals("task-" + taskId)));
            WorkflowExecutionInfo task = sending.stream()
                    .filter(r -> r.getExecution().getWorkflowId().equals("task-" + taskId)).findFirst().orElseThrow();
            assertThat(task.getMemo().getFieldsMap()).as("the task's name as memo").containsKey("name");

            stack.post("/v1/tasks/" + taskId + "/pause", Map.of());
            // README: "paused tasks of user 1"
            List<WorkflowExecutionInfo> paused = await("EdmOwnerId = \"1\" AND EdmTaskStatus = \"PAUSED\"",
                    runs -> !runs.isEmpty());
            assertThat(paused).extracting(r -> r.getExecution().getWorkflowId()).containsExactly("task-" + taskId);
            assertThat(list("EdmOwnerId = \"2\" AND EdmTaskStatus = \"PAUSED\"")).as("another user's").isEmpty();

            List<WorkflowExecutionInfo> services = await("EdmServiceState = \"ACTIVE\"", runs -> !runs.isEmpty());
            assertThat(services).extracting(r -> r.getType().getName()).containsOnly("SenderServiceWorkflow");
            assertThat(list("EdmServiceState = \"FROZEN\"")).as("frozen services").isEmpty();
            await("EdmCampaignId = " + campaignId + " AND EdmCampaignStatus = \"RUNNING\"", runs -> runs.size() == 1);

            // the api's gauges (refreshed every 2 s here) count the paused task
            assertThat(awaitGauge("edm_tasks", "status=\"PAUSED\"", v -> v >= 1)).isEqualTo(1);

            stack.post("/v1/tasks/" + taskId + "/cancel", Map.of());
            await("EdmTaskStatus = \"CANCELLED\"", runs -> runs.stream()
                    .anyMatch(r -> r.getExecution().getWorkflowId().equals("task-" + taskId)));
        } finally {
            worker.stop();
        }
    }

    private List<WorkflowExecutionInfo> list(String query) {
        return temporal.blockingStub().listWorkflowExecutions(ListWorkflowExecutionsRequest.newBuilder()
                .setNamespace("default").setQuery(query).build()).getExecutionsList();
    }

    /** Visibility follows the workflows a moment later: asks again until the answer fits. */
    private List<WorkflowExecutionInfo> await(String query, Predicate<List<WorkflowExecutionInfo>> fits)
            throws InterruptedException {
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        while (true) {
            List<WorkflowExecutionInfo> runs = list(query);
            if (fits.test(runs)) {
                return runs;
            }
            assertThat(Instant.now()).as("Web UI query %s, now %s", query,
                    runs.stream().map(r -> r.getExecution().getWorkflowId()).toList()).isBefore(deadline);
            Thread.sleep(500);
        }
    }

    private double awaitGauge(String name, String label, java.util.function.DoublePredicate fits) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(Duration.ofMinutes(1));
        Pattern series = Pattern.compile("(?m)^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$");
        while (true) {
            HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + stack.apiPort + "/actuator/prometheus")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(scrape.statusCode()).isEqualTo(200);
            Matcher m = series.matcher(scrape.body());
            while (m.find()) {
                if (m.group(1).contains(label) && fits.test(Double.parseDouble(m.group(2)))) {
                    return Double.parseDouble(m.group(2));
                }
            }
            assertThat(Instant.now()).as("%s{%s} on the api's /actuator/prometheus", name, label).isBefore(deadline);
            Thread.sleep(1_000);
        }
    }
}
