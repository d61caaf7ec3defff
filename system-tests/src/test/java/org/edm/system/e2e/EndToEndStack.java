package org.edm.system.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import org.edm.domain.testing.TestDatabase;
import org.edm.system.harness.AppProcess;
import org.edm.system.harness.FreePorts;
import org.edm.system.harness.TemporalDevServer;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The whole system as in production, on this machine: PostgreSQL, the real Temporal dev server, an SMTP server
 * (GreenMail), the api JVM and worker JVMs started from their packaged jars.
 */
final class EndToEndStack implements AutoCloseable {

    final TestDatabase.Database db = TestDatabase.freshDatabase();
    final GreenMail smtp = new GreenMail(new ServerSetup(FreePorts.next(), "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    final TemporalDevServer temporal;
    final int apiPort = FreePorts.next();
    final Path logs;
    final AppProcess api;
    /** A JVM's start-up; a 2-core machine shared with other builds has taken over 3 minutes for the api. */
    private static final Duration STARTUP = Duration.ofMinutes(5);
    /**
     * The JIT's first tier only: these JVMs live a minute or two, so C2 compiling the start-up code costs more CPU
     * than it ever saves (a Spring Boot start is CPU-bound, and two stacks share two cores). Behaviour is the same.
     */
    private static final String[] JVM_ARGS = {"-XX:TieredStopAtLevel=1"};
    static final String ADMIN_USERNAME = "admin";
    static final String ADMIN_PASSWORD = "e2e-admin-password";

    private final HttpClient http = HttpClient.newHttpClient();
    private final String token;
    private final ObjectMapper json = new ObjectMapper();
    private int workers;
    /** The worker started beside the api, if this stack was made with one ({@link #withWorker}). */
    private AppProcess firstWorker;

    EndToEndStack(String name) throws Exception {
        this(name, Map.of());
    }

    /** With extra environment variables for the api (e.g. EDM_WEBHOOKS_ALLOW_PRIVATE). */
    EndToEndStack(String name, Map<String, String> apiEnv) throws Exception {
        this(name, apiEnv, null);
    }

    /**
     * A stack whose first worker JVM starts at the same time as the api JVM, as the two start in production (each
     * needs only PostgreSQL and Temporal, not the other): the two Spring Boot start-ups overlap instead of following
     * each other. {@code workerEnv} gives the worker's extra environment from the stack (e.g. its SMTP port); the
     * worker is {@link #worker()} and stops with the stack.
     */
    static EndToEndStack withWorker(String name, Map<String, String> apiEnv,
                                    Function<EndToEndStack, Map<String, String>> workerEnv) throws Exception {
        return new EndToEndStack(name, apiEnv, workerEnv);
    }

    /** {@link #withWorker(String, Map, Function)} with a worker that needs no extra environment. */
    static EndToEndStack withWorker(String name, Map<String, String> apiEnv) throws Exception {
        return withWorker(name, apiEnv, stack -> Map.of());
    }

    private EndToEndStack(String name, Map<String, String> apiEnv,
                          Function<EndToEndStack, Map<String, String>> workerEnv) throws Exception {
        Path work = Files.createDirectories(Path.of("target", "e2e", name + "-" + System.currentTimeMillis()));
        logs = work.resolve("logs");
        smtp.start();
        temporal = TemporalDevServer.start(work.resolve("temporal"));
        var apiSettings = new java.util.HashMap<>(Map.of("EDM_API_PORT", String.valueOf(apiPort),
                "EDM_ADMIN_USERNAME", ADMIN_USERNAME, "EDM_ADMIN_PASSWORD", ADMIN_PASSWORD));
        apiSettings.putAll(apiEnv);
        api = AppProcess.start("api", AppProcess.jar("api"), env(apiSettings), logs, JVM_ARGS);
        try {
            if (workerEnv != null) {
                firstWorker = launchWorker(workerEnv.apply(this));
            }
            // generous: on a 2-core machine shared with parallel builds a Spring Boot start took over 2 minutes
            api.awaitLog("Started ApiApplication", STARTUP);
            if (firstWorker != null) {
                firstWorker.awaitLog("Started WorkerApplication", STARTUP);
            }
        } catch (RuntimeException | IOException | InterruptedException notStarted) {
            close(); // nothing else would stop the api, worker and Temporal started for this stack
            throw notStarted;
        }
        // the first admin comes from EDM_ADMIN_*; every call below acts as it (tracking links stay public)
        token = send(HttpRequest.newBuilder(uri("/v1/auth/sign-in")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(Map.of("username", ADMIN_USERNAME,
                        "password", ADMIN_PASSWORD)))).build()).path("token").asText();
        // F14: tasks send as one of their owner's sender names; every end-to-end campaign uses this one
        post("/v1/sender-names", Map.of("name", "news"));
        grantQuotaToUser1(1_000_000);
    }

    /**
     * Quota (issue 5): the built-in user 1, who plans every campaign here, starts with none. Granted on the test
     * database the way an admin's adjustment is written: balance and ledger row in one statement.
     */
    void grantQuotaToUser1(long amount) throws java.sql.SQLException {
        try (var c = db.dataSource().getConnection(); var s = c.prepareStatement("""
                WITH changed AS (UPDATE users SET quota_balance = quota_balance + ? WHERE id = 1
                                 RETURNING id, quota_balance)
                INSERT INTO user_quota_ledger (user_id, delta, reason, balance_after, note)
                SELECT id, ?, 'ADMIN_ADJUST', quota_balance, 'end-to-end test fixture' FROM changed
                """)) {
            s.setLong(1, amount);
            s.setLong(2, amount);
            s.executeUpdate();
        }
    }

    /**
     * A campaign of one task, starting now, to {@code contacts} new contacts tagged {@code tag}, through a new SMTP
     * sender service (to {@link #smtp}) with the given throttle.
     */
    long createCampaign(String tag, int contacts, double throttleSeconds) throws Exception {
        post("/v1/admin/sender-services", Map.of("name", "smtp-" + tag, "provider", "SMTP",
                "domain", tag + ".example", "smtp", Map.of("host", "127.0.0.1", "port", smtp.getSmtp().getPort(),
                        "tls", false),
                "daily_quota", 100_000, "throttle_seconds", throttleSeconds));
        List<Map<String, Object>> people = new ArrayList<>();
        for (int i = 0; i < contacts; i++) {
            people.add(Map.of("email", tag + i + "@inbox.example", "nickname", "Reader " + i, "tags", List.of(tag)));
        }
        post("/v1/contacts/import", people);
        long template = post("/v1/templates", Map.of("name", tag, "subject", "Hello {{nickname}}",
                "body_html", "<p>Hi {{nickname}}</p><a href=\"{{unsubscribe_url}}\">unsubscribe</a>"))
                .get("id").asLong();
        long set = post("/v1/template-sets", Map.of("name", tag, "template_ids", List.of(template)))
                .get("id").asLong();
        return post("/v1/campaigns", Map.of("name", tag, "start_time", Instant.now().toString(),
                "interval_days", 1, "tasks", List.of(Map.of("name", tag + " task", "template_set_id", set,
                        "sender_name", "news", "recipient_rule", Map.of("include_tags", List.of(tag))))))
                .get("id").asLong();
    }

    AppProcess startWorker() throws Exception {
        return startWorker(Map.of());
    }

    /** A worker JVM with extra environment variables (e.g. where API messages go: EDM_API_SEND_SMTP_*). */
    AppProcess startWorker(Map<String, String> extraEnv) throws Exception {
        AppProcess worker = launchWorker(extraEnv);
        worker.awaitLog("Started WorkerApplication", STARTUP);
        return worker;
    }

    /** The worker started beside the api ({@link #withWorker}). */
    AppProcess worker() {
        if (firstWorker == null) {
            throw new IllegalStateException("this stack was started without a worker: use withWorker or startWorker");
        }
        return firstWorker;
    }

    private AppProcess launchWorker(Map<String, String> extraEnv) throws IOException {
        return AppProcess.start("worker-" + (++workers), AppProcess.jar("worker"), env(extraEnv), logs, JVM_ARGS);
    }

    private Map<String, String> env(Map<String, String> extra) {
        var env = new java.util.HashMap<>(Map.of(
                "EDM_DB_URL", db.jdbcUrl(), "EDM_DB_USER", "postgres", "EDM_DB_PASSWORD", "",
                "TEMPORAL_ADDRESS", temporal.address(),
                "EDM_CREDENTIALS_KEY", TestDatabase.TEST_CREDENTIALS_KEY,
                "EDM_PUBLIC_BASE_URL", "http://127.0.0.1:" + apiPort));
        // the platform's own sender (sign-up verification mail) writes to the same SMTP server
        env.putAll(Map.of("EDM_SYSTEM_MAIL_HOST", "127.0.0.1",
                "EDM_SYSTEM_MAIL_PORT", String.valueOf(smtp.getSmtp().getPort()),
                "EDM_SYSTEM_MAIL_TLS", "false", "EDM_SYSTEM_MAIL_FROM", "EDM <no-reply@edm.example.test>"));
        env.putAll(extra);
        return env;
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(authorized(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build());
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(authorized(path).GET().build());
    }

    /** The first admin's bearer token (for tools that call the api themselves, e.g. schemathesis). */
    String token() {
        return token;
    }

    /** A request to the api as the first admin. */
    private HttpRequest.Builder authorized(String path) {
        return HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + apiPort + path);
    }

    private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() >= 300) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " -> " + response.statusCode()
                    + ": " + response.body());
        }
        return response.body().isBlank() ? json.nullNode() : json.readTree(response.body());
    }

    @Override
    public void close() throws Exception {
        if (firstWorker != null) {
            firstWorker.close();
        }
        api.close();
        temporal.close();
        smtp.stop();
    }
}
