package org.edm.system;

import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.common.SearchAttributeKey;
import org.edm.workflows.EdmSearchAttributes;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/compose.yaml is checked without a Docker engine: {@code docker-compose config} validates and resolves it
 * (bin/test installs Debian's docker-compose 1.29 when it is missing; a {@code docker compose} plugin works too).
 */
class ComposeFileTests {

    /** What bin/edm-dev gives the api and worker processes; the containers get the same. */
    private static final List<String> LAUNCHER_ENVIRONMENT =
            List.of("EDM_DB_URL", "EDM_DB_USER", "EDM_DB_PASSWORD", "TEMPORAL_ADDRESS", "EDM_CREDENTIALS_KEY");

    private static final Path COMPOSE_FILE = ArchitectureTests.repositoryRoot().resolve("docker/compose.yaml");

    @Test
    void composeFileIsValid() throws Exception {
        Result result = compose("config", "-q");
        assertThat(result.exitCode()).as("docker-compose config -q: %s", result.output()).isZero();
    }

    @Test
    void declaresTheWholeSystem() throws Exception {
        assertThat(services().keySet())
                .contains("postgres", "temporal", "temporal-ui", "api", "worker", "prometheus", "grafana");
    }

    @Test
    void apiAndWorkerGetTheEnvironmentOfTheDevLauncher() throws Exception {
        Map<String, Object> services = services();
        Map<String, Object> api = environment(services, "api");
        Map<String, Object> worker = environment(services, "worker");
        assertThat(api.keySet()).as("api environment").containsAll(LAUNCHER_ENVIRONMENT);
        assertThat(api.keySet()).as("the first admin, for the api only")
                .contains("EDM_ADMIN_USERNAME", "EDM_ADMIN_PASSWORD");
        Map<String, Object> apiLessAdmin = new java.util.HashMap<>(api);
        apiLessAdmin.keySet().removeIf(name -> name.startsWith("EDM_ADMIN_"));
        Map<String, Object> workerLessManagement = new java.util.HashMap<>(worker);
        workerLessManagement.keySet().removeIf(name -> name.startsWith("EDM_WORKER_MANAGEMENT_"));
        assertThat(workerLessManagement).as("worker environment is the api's, less the first admin, plus its "
                + "management port").isEqualTo(apiLessAdmin);
        assertThat(worker.get("EDM_WORKER_MANAGEMENT_ADDRESS")).as("Prometheus reaches the worker over the network")
                .isEqualTo("0.0.0.0");
        assertThat(api.get("TEMPORAL_ADDRESS")).isEqualTo("temporal:7233");
        assertThat(String.valueOf(api.get("EDM_DB_URL"))).startsWith("jdbc:postgresql://postgres:5432/");
    }

    @Test
    void workersScaleOut() throws Exception {
        Map<String, Object> worker = service(services(), "worker");
        assertThat(worker).as("`--scale worker=N` needs no fixed container name and no published port")
                .doesNotContainKeys("container_name", "ports");
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheusScrapesApiAndEveryWorkerAndGrafanaShowsTheDocumentedMeters() throws Exception {
        Path docker = COMPOSE_FILE.getParent();
        Map<String, Object> prometheus = new Yaml().load(Files.readString(docker.resolve("prometheus/prometheus.yml")));
        List<Map<String, Object>> jobs = (List<Map<String, Object>>) prometheus.get("scrape_configs");
        assertThat(jobs).extracting(job -> job.get("metrics_path")).containsOnly("/actuator/prometheus");
        assertThat(String.valueOf(jobs)).contains("api:8080")
                .as("every worker of --scale worker=N, on its management port").contains("names=[worker]", "port=8081");

        String dashboard = Files.readString(docker.resolve("grafana/dashboards/edm-operations.json"));
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(dashboard);
        String alerts = Files.readString(docker.resolve("prometheus/alerts.yml"));
        Map<String, Object> rules = new Yaml().load(alerts);
        assertThat(rules).containsKey("groups");
        for (String meter : List.of("edm_deliveries_total", "edm_sender_service_quota_remaining",
                "edm_sender_service_frozen", "edm_task_first_send_lag_seconds", "edm_tasks", "edm_deliveries_pending",
                "edm_send_latency_seconds_bucket", "temporal_workflow_task_schedule_to_start_latency")) {
            assertThat(dashboard).as("the dashboard shows %s", meter).contains(meter);
        }
        for (String meter : List.of("edm_sender_service_frozen", "edm_deliveries_total", "edm_task_first_send_lag")) {
            assertThat(alerts).as("an alert rule watches %s", meter).contains(meter);
        }
    }

    @Test
    void registersTheSearchAttributesTheWorkflowsUse() throws Exception {
        String setup = String.valueOf(service(services(), "temporal-setup").get("command"));
        for (SearchAttributeKey<?> key : EdmSearchAttributes.ALL) {
            assertThat(setup).as("temporal-setup registers %s as in EdmSearchAttributes", key.getName())
                    .contains(key.getName() + "=" + cliTypeName(key.getValueType()));
        }
    }

    /**
     * The compose Temporal keeps visibility in PostgreSQL and the dev server in SQLite; Temporal's SQL visibility
     * store has a fixed number of columns per type for custom search attributes (e.g. the 4th Int attribute is
     * refused: "cannot have more than 3 search attributes of type Int"), so the workflows' attributes must fit.
     */
    @Test
    void searchAttributesFitTemporalsSqlVisibilityStore() {
        Map<IndexedValueType, Integer> limits = new EnumMap<>(Map.of(
                IndexedValueType.INDEXED_VALUE_TYPE_BOOL, 3,
                IndexedValueType.INDEXED_VALUE_TYPE_DATETIME, 3,
                IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE, 3,
                IndexedValueType.INDEXED_VALUE_TYPE_INT, 3,
                IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD, 10,
                IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD_LIST, 3,
                IndexedValueType.INDEXED_VALUE_TYPE_TEXT, 3));
        Map<IndexedValueType, Integer> used = new EnumMap<>(IndexedValueType.class);
        EdmSearchAttributes.ALL.forEach(key -> used.merge(key.getValueType(), 1, Integer::sum));
        used.forEach((type, count) -> assertThat(count)
                .as("custom search attributes of type %s in EdmSearchAttributes.ALL; Temporal's SQL visibility "
                        + "store (dev server and compose) has only %d of that type (Keyword has 10)",
                        cliTypeName(type), limits.getOrDefault(type, 0))
                .isLessThanOrEqualTo(limits.getOrDefault(type, 0)));
    }

    /** {@code INDEXED_VALUE_TYPE_KEYWORD_LIST} is {@code KeywordList} for the Temporal CLI. */
    private static String cliTypeName(IndexedValueType type) {
        StringBuilder name = new StringBuilder();
        for (String part : type.name().replace("INDEXED_VALUE_TYPE_", "").split("_")) {
            name.append(part.charAt(0)).append(part.substring(1).toLowerCase(Locale.ROOT));
        }
        return name.toString();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> services() throws Exception {
        Result result = compose("config");
        assertThat(result.exitCode()).as("docker-compose config: %s", result.output()).isZero();
        Map<String, Object> resolved = new Yaml().load(result.output());
        return (Map<String, Object>) resolved.get("services");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> service(Map<String, Object> services, String name) {
        assertThat(services).containsKey(name);
        return (Map<String, Object>) services.get(name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> environment(Map<String, Object> services, String name) {
        Object environment = service(services, name).get("environment");
        assertThat(environment).as("%s environment (a map after `config`)", name).isInstanceOf(Map.class);
        return (Map<String, Object>) environment;
    }

    private record Result(int exitCode, String output) {
    }

    private static Result compose(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(composeCommand());
        command.addAll(List.of("-f", COMPOSE_FILE.toString()));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        // Compose substitutes ${EDM_CREDENTIALS_KEY:-} etc. from our environment; the checks do not depend on it.
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 2 minutes");
        }
        return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
    }

    private static List<String> composeCommand() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "docker-compose"))) {
                return List.of(Path.of(dir, "docker-compose").toString());
            }
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "docker"))) {
                return List.of(Path.of(dir, "docker").toString(), "compose");
            }
        }
        throw new IllegalStateException("neither docker-compose nor docker is on PATH: run bin/test (it installs "
                + "Debian's docker-compose) or `apt-get install -y docker-compose`");
    }
}
